namespace StreamGateway.Media.Ffmpeg;

/// <summary>One rendition of a transcoding ladder.</summary>
/// <param name="Name">Rendition name, e.g. "360p0" (every profile needs one on the wire).</param>
/// <param name="BitrateBps">Target video bitrate in bits per second.</param>
/// <param name="Fps">Output frame rate numerator; 0 keeps the source rate.</param>
/// <param name="FpsDen">Frame rate denominator (1 for whole rates).</param>
/// <param name="GopSeconds">Keyframe interval; null keeps the encoder's default behaviour at segment starts.</param>
/// <param name="IntraOnly">Every frame a keyframe (go-livepeer's gop −1).</param>
public sealed record LadderProfile(string Name, int Width, int Height, int BitrateBps, int Fps = 0, int FpsDen = 1, double? GopSeconds = null,
    bool IntraOnly = false);
