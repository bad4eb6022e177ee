namespace StreamGateway.Core.Live;

/// <summary>A live session that is ending, as <see cref="LiveSessionEnd"/> needs it.</summary>
/// <param name="HadMedia">At least one source segment was stored (else there is nothing to record).</param>
/// <param name="EndedAt">When its media stopped.</param>
public sealed record EndingSession(Guid StreamId, Guid SessionId, string PlaybackId, bool Record, bool HadMedia, DateTimeOffset EndedAt);
