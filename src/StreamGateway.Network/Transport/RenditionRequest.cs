namespace StreamGateway.Network.Transport;

/// <summary>A rendition as the broadcaster asks for it.</summary>
/// <param name="Fps">0 keeps the source frame rate.</param>
public sealed record RenditionRequest(string Name, int Width, int Height, int BitrateBps, int Fps = 0, int FpsDen = 1, int GopMilliseconds = 0);
