namespace StreamGateway.Media.Ffmpeg;

/// <summary>Which H.264 encoder ffmpeg uses: software x264, or NVIDIA's NVENC when a usable GPU was found at start.</summary>
public enum H264Encoder
{
    Libx264,
    Nvenc,
}
