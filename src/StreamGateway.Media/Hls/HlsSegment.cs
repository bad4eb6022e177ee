namespace StreamGateway.Media.Hls;

/// <param name="Gap">No media exists for it (RFC 8216bis EXT-X-GAP): players skip it or switch rendition.</param>
/// <param name="ProgramDateMs">When its media reached the gateway (Unix ms), for EXT-X-PROGRAM-DATE-TIME; 0 when unknown.</param>
public sealed record HlsSegment(long Sequence, double Duration, string Uri, bool Discontinuity, bool Gap = false, long ProgramDateMs = 0);
