namespace StreamGateway.Media.Ts;

/// <summary>Size and frame count of an MPEG-TS file's H.264 video, as read from the bytes.</summary>
public readonly record struct TsVideoFacts(int Width, int Height, long Frames)
{
    public long Pixels => (long)Width * Height * Frames;
}
