using StreamGateway.Core.Live;
using StreamGateway.Core.Transcoding;

namespace StreamGateway.Core.Live;

/// <summary>The renditions a session was transcoded to, and what its source looks like.</summary>
public sealed record SessionLadder(IReadOnlyList<Rendition> Renditions, RenditionInfo Source);
