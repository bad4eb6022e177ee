using StreamGateway.Media.Ffmpeg;

namespace StreamGateway.Orchestrator.Transcoding;

/// <summary>One encoded rendition and the pixels B will find when it decodes it.</summary>
public sealed record Rendition(LadderProfile Profile, string Path, long Pixels);
