using StreamGateway.Core.Live;

namespace StreamGateway.Core.Live;

/// <summary>
/// One stored segment of a session's rendition: its index in the session, length, the wall-clock time its media
/// was received (source only; Unix ms), size and picture.
/// </summary>
public sealed record LoggedSegment(long Index, double Duration, long StartMs, long Bytes, int Width, int Height, string? Codecs)
{
    public double EndMs => StartMs + Duration * 1000;
}
