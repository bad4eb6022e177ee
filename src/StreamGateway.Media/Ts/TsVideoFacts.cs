namespace StreamGateway.Media.Ts;

/// <summary>Size, frame count and time span of an MPEG-TS file's H.264 video, as read from the bytes.</summary>
/// <param name="Seconds">
/// How long the video lasts: from its first to its last presentation time plus one frame's average duration; 0 when
/// it cannot be told (fewer than two frames with a time, or times that run backwards).
/// </param>
public readonly record struct TsVideoFacts(int Width, int Height, long Frames, double Seconds = 0)
{
    /// <summary>The SPS's profile_idc (66 Baseline, 77 Main, 100 High, ...).</summary>
    public int ProfileIdc { get; init; }

    /// <summary>The SPS's constraint_set flags byte (constraint_set0 in the top bit).</summary>
    public int ConstraintFlags { get; init; }

    /// <summary>The SPS's level_idc (31 for level 3.1).</summary>
    public int Level { get; init; }

    /// <summary>The first audio track's codec as ffprobe names it (aac, mp3, ac3, eac3); null without one.</summary>
    public string? AudioCodec { get; init; }

    /// <summary>For AAC, the object type in its first ADTS header (2 is LC); 0 when unknown.</summary>
    public int AudioObjectType { get; init; }

    /// <summary>The whole file's span, video and audio together (what a demuxer reports as its duration); 0 for a lone frame or when unknown.</summary>
    public double FileSeconds { get; init; }

    public long Pixels => (long)Width * Height * Frames;
}
