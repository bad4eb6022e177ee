using System.Security.Cryptography;

namespace StreamGateway.Core.Live;

/// <summary>What ingest needs to know about a stream key.</summary>
public sealed record StreamKeyInfo(Guid StreamId, Guid ProjectId, Guid UserId, string Name, string PlaybackId,
    bool Record, bool Suspended, bool Deleted, string Profiles, string? RecordingSpec, string? PlaybackPolicy = null);
