namespace StreamGateway.Media.Ts;

/// <summary>Size, frame count and time span of an MPEG-TS file's H.264 video, as read from the bytes.</summary>
/// <param name="Seconds">
/// How long the video lasts: from its first to its last presentation time plus one frame's average duration; 0 when
/// it cannot be told (fewer than two frames with a time, or times that run backwards).
/// </param>
public readonly record struct TsVideoFacts(int Width, int Height, long Frames, double Seconds = 0)
{
    public long Pixels => (long)Width * Height * Frames;
}
