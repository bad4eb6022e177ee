using StreamGateway.Network.Transport;

namespace StreamGateway.Core.Transcoding;

/// <summary>
/// One rendition the gateway wants made: a live stream's profile or an asset's ladder rung. The property names are
/// those stored in Redis (a session's ladder) and in Hangfire job arguments, so they stay as they are.
/// </summary>
/// <param name="Name">The rendition's playlist folder and its profile name on the wire.</param>
/// <param name="Fps">0 keeps the source frame rate.</param>
/// <param name="GopMilliseconds">Keyframe interval; 0 leaves the encoder's default, 1 asks for intra-only.</param>
public sealed record Rendition(string Name, int Width, int Height, int BitrateBps, int Fps = 0, int FpsDen = 1, int GopMilliseconds = 0)
{
    /// <summary>The rendition as an orchestrator is asked for it (the wire's VideoProfile, through Network).</summary>
    internal RenditionRequest ToWire() => new(Name, Width, Height, BitrateBps, Fps, FpsDen, GopMilliseconds);
}
