using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamGateway.Core.Storage;
using StreamGateway.Media.Ffmpeg;
using StreamGateway.Network.Transport;

namespace StreamGateway.Core.Transcoding;

/// <summary>
/// A rendition that is wrong rather than late: it does not decode, has the wrong size, frames or duration, reports
/// pixels it does not hold, or does not show the source's picture. The orchestrator that made it is barred from
/// work and the evidence is kept.
/// </summary>
public sealed class BadWorkException(string message) : Exception(message);

/// <summary>
/// Deep checks (livepeer-protocol §6): each orchestrator's first segment of a stream session, then a random one in
/// <see cref="TranscodingOptions.DeepCheckEvery"/>, has every rendition compared with the source scaled to the
/// rendition's size (SSIM with ffmpeg). The source itself is the trusted reference, so no second encode is paid for.
/// </summary>
public sealed class RenditionVerifier(IConnectionMultiplexer redis, IOptions<TranscodingOptions> options)
{
    private static readonly TimeSpan StateTtl = TimeSpan.FromHours(2);

    /// <summary>Whether this segment of <paramref name="session"/> made by <paramref name="orchestratorId"/> gets a deep check.</summary>
    public async Task<bool> SampleAsync(Guid session, string orchestratorId)
    {
        var every = options.Value.DeepCheckEvery;
        if (every <= 0)
        {
            return false;
        }
        var key = $"sg:tx:{session:N}:checked";
        if (await redis.GetDatabase().SetAddAsync(key, orchestratorId))
        {
            await redis.GetDatabase().KeyExpireAsync(key, StateTtl);
            return true; // the first segment this orchestrator makes for this session
        }
        return Random.Shared.Next(every) == 0;
    }

    /// <returns>Null when every rendition shows the source's picture, else what is wrong.</returns>
    public async Task<string?> CompareAsync(string source, IReadOnlyList<(RenditionRequest Asked, string Path, RenditionFacts Facts)> renditions,
        CancellationToken ct)
    {
        var o = options.Value;
        var scores = await Task.WhenAll(renditions.Select(async r => Similarity.Parse(await FfmpegProcess.RunAsync(o.FfmpegPath,
            FfmpegArguments.CompareWithSource(r.Path, source, r.Facts.Width, r.Facts.Height), TimeSpan.FromSeconds(30), ct))));
        for (var i = 0; i < renditions.Count; i++)
        {
            var (asked, _, facts) = renditions[i];
            if (scores[i].Frames == 0)
            {
                return $"rendition {asked.Name} could not be compared with the source";
            }
            if (scores[i].Mean < o.MinSsim)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"rendition {asked.Name} does not show the source's picture: SSIM {scores[i].Mean:0.000} against the source scaled to {facts.Width}x{facts.Height} (at least {o.MinSsim:0.00} expected)");
            }
        }
        return null;
    }
}

/// <summary>What the gateway kept when an orchestrator's work failed verification.</summary>
public sealed class EvidenceRecord
{
    public required string Id { get; init; }
    /// <summary>The orchestrator's id in the pool (its address, or its service URI off-chain).</summary>
    public required string Orchestrator { get; init; }
    public required string ServiceUri { get; init; }
    public required string PlaybackId { get; init; }
    /// <summary>The live stream or the asset the segment belongs to.</summary>
    public Guid SourceId { get; init; }
    /// <summary>The live session, or the asset again.</summary>
    public Guid SessionId { get; init; }
    /// <summary>The segment's sequence number in its session or asset.</summary>
    public long Seq { get; init; }
    public required string Reason { get; init; }
    /// <summary>Unix milliseconds.</summary>
    public long CreatedAt { get; init; }
    /// <summary>Files kept: <c>source.ts</c> and one per rendition, fetchable at /api/orchestrator/evidence/{id}/{file}.</summary>
    public required List<string> Files { get; init; }
}

/// <summary>
/// Keeps the source segment and the failing renditions of bad work in the segment store (<c>evidence/{id}/…</c>),
/// with a record in Redis; the newest <see cref="Kept"/> are kept and older ones are deleted with their files.
/// </summary>
public sealed class VerificationEvidence(ISegmentStore store, IConnectionMultiplexer redis, TimeProvider clock, ILogger<VerificationEvidence> logger)
{
    internal const string ListKey = "sg:orch:evidence";
    private const int Kept = 200;

    public static string FileKey(string id, string file) => $"evidence/{id}/{file}";

    public async Task<string> KeepAsync(KnownOrchestrator orchestrator, SegmentAttempt work, IEnumerable<(string Name, string Path)> renditions,
        string reason)
    {
        var id = Guid.CreateVersion7().ToString("N");
        var files = new List<string> { "source.ts" };
        var sourceFile = Path.Combine(Path.GetTempPath(), $"sg-evidence-{id}.ts");
        await File.WriteAllBytesAsync(sourceFile, work.Source, CancellationToken.None);
        await store.PutFileAsync(FileKey(id, "source.ts"), sourceFile, CancellationToken.None);
        foreach (var (name, path) in renditions.Where(r => File.Exists(r.Path)))
        {
            await store.PutFileAsync(FileKey(id, $"{name}.ts"), path, CancellationToken.None);
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
                    await store.DeleteAsync(FileKey(dropped.Id, file), CancellationToken.None);
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
