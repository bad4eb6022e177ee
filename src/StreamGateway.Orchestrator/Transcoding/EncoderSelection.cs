using StreamGateway.Media.Ffmpeg;

namespace StreamGateway.Orchestrator.Transcoding;

/// <summary>The H.264 encoder chosen once at start: NVENC only if a one-frame encode really worked.</summary>
public sealed class EncoderSelection
{
    public H264Encoder Encoder { get; internal set; } = H264Encoder.Libx264;
}
