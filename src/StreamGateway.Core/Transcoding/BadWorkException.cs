namespace StreamGateway.Core.Transcoding;

/// <summary>
/// A rendition that is wrong rather than late: it does not decode, has the wrong size, frames or duration, reports
/// pixels it does not hold, or does not show the source's picture. The orchestrator that made it is barred from
/// work and the evidence is kept.
/// </summary>
public sealed class BadWorkException(string message) : Exception(message);
