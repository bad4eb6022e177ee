namespace StreamGateway.Core.Live;

/// <summary>Where a segment landed: its media sequence number, whether a discontinuity opens there, and what retention dropped.</summary>
public sealed record SettledSegment(long Sequence, bool Discontinuity, IReadOnlyList<string> Expired);
