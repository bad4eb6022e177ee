namespace StreamGateway.Media.Ffmpeg;

/// <summary>One stream of a media file, as an asset's videoSpec lists it (studio-api §3.6).</summary>
public sealed record MediaTrack(string Type, string Codec, double? StartTime, double? Duration, long? Bitrate, int? Width, int? Height,
    string? PixelFormat, double? Fps, int? Channels, int? SampleRate, int? BitDepth);
