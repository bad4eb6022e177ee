using System.Numerics;
using StreamGateway.Media.Ffmpeg;

namespace StreamGateway.Core.Transcoding;

/// <summary>Renditions that passed every check, in temporary files that live until the publish callback returns.</summary>
/// <param name="Caution">Set when the stream should be flagged although its renditions passed (made by a last resort).</param>
public sealed record TranscodedSegment(IReadOnlyList<(Rendition Asked, string Path, RenditionFacts Facts)> Files, long Pixels,
    BigInteger PaidWei, string Orchestrator, string? Caution = null);
