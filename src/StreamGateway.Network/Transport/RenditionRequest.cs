namespace StreamGateway.Network.Transport;

/// <summary>A rendition as the broadcaster asks for it.</summary>
/// <param name="Fps">0 keeps the source frame rate.</param>
/// <param name="GopMilliseconds">Keyframe interval; 0 leaves the encoder's default, <see cref="IntraOnly"/> (1) asks for
/// every frame to be a keyframe (−1 on the wire).</param>
public sealed record RenditionRequest(string Name, int Width, int Height, int BitrateBps, int Fps = 0, int FpsDen = 1, int GopMilliseconds = 0)
{
    public const int IntraOnly = 1;
}
