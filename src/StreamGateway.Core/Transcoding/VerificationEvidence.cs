using System.Text.Json;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using StreamGateway.Core.Storage;

namespace StreamGateway.Core.Transcoding;

/// <summary>
/// Keeps the source segment and the failing renditions of bad work in the segment store (<c>evidence/{id}/…</c>),
/// with a record in Redis; the newest <see cref="Kept"/> are kept and older ones are deleted with their files.
/// </summary>
public sealed class VerificationEvidence(ISegmentStore store, IConnectionMultiplexer redis, TimeProvider clock, ILogger<VerificationEvidence> logger)
{
    internal const string ListKey = "sg:orch:evidence";
    private const int Kept = 200;

    public async Task<string> KeepAsync(KnownOrchestrator orchestrator, SegmentAttempt work, IEnumerable<(string Name, string Path)> renditions,
        string reason)
    {
        var id = Guid.CreateVersion7().ToString("N");
        var files = new List<string> { "source.ts" };
        var sourceFile = Path.Combine(Path.GetTempPath(), $"sg-evidence-{id}.ts");
        await File.WriteAllBytesAsync(sourceFile, work.Source, CancellationToken.None);
        await store.PutFileAsync(MediaKeys.Evidence(id, "source.ts"), sourceFile, CancellationToken.None);
        foreach (var (name, path) in renditions.Where(r => File.Exists(r.Path)))
        {
            await store.PutFileAsync(MediaKeys.Evidence(id, $"{name}.ts"), path, CancellationToken.None);
            files.Add($"{name}.ts");
        }
        var record = new EvidenceRecord
        {
            Id = id,
            Orchestrator = orchestrator.Id,
            ServiceUri = orchestrator.ServiceUri,
            PlaybackId = work.PlaybackId,
            SourceId = work.ManifestId,
            SessionId = work.Key,
            Seq = work.Seq,
            Reason = reason,
            CreatedAt = clock.GetUtcNow().ToUnixTimeMilliseconds(),
            Files = files,
        };
        var db = redis.GetDatabase();
        await db.ListLeftPushAsync(ListKey, JsonSerializer.Serialize(record));
        foreach (var old in await db.ListRangeAsync(ListKey, Kept, -1))
        {
            if (JsonSerializer.Deserialize<EvidenceRecord>((string)old!) is { } dropped)
            {
                foreach (var file in dropped.Files)
                {
                    await store.DeleteAsync(MediaKeys.Evidence(dropped.Id, file), CancellationToken.None);
                }
            }
        }
        await db.ListTrimAsync(ListKey, 0, Kept - 1);
        logger.LogWarning("Kept evidence {Evidence} of bad work by {Orchestrator} on segment {Seq} of {PlaybackId}: {Reason}",
            id, orchestrator.Id, work.Seq, work.PlaybackId, reason);
        return id;
    }

    /// <summary>Newest first.</summary>
    public async Task<IReadOnlyList<EvidenceRecord>> ListAsync() =>
        (await redis.GetDatabase().ListRangeAsync(ListKey, 0, Kept - 1))
            .Select(v => JsonSerializer.Deserialize<EvidenceRecord>((string)v!)!)
            .ToList();
}
