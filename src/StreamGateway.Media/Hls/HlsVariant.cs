namespace StreamGateway.Media.Hls;

public sealed record HlsVariant(string Uri, long Bandwidth, int? Width, int? Height, double? FrameRate, string? Codecs);
