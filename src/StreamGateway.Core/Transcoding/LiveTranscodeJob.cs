using System.Diagnostics;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Data;
using StreamGateway.Core.Hls;
using StreamGateway.Core.Storage;
using StreamGateway.Media.Ffmpeg;
using StreamGateway.Network.Selection;
using StreamGateway.Network.Transport;

namespace StreamGateway.Core.Transcoding;

/// <summary>One source segment to transcode; the arguments of its job (kept small and serializable).</summary>
public sealed class LiveSegmentWork
{
    public Guid StreamId { get; set; }
    public Guid ProjectId { get; set; }
    public Guid SessionId { get; set; }
    public string PlaybackId { get; set; } = "";
    /// <summary>The source's media sequence number; every rendition uses the same one.</summary>
    public long Seq { get; set; }
    /// <summary>The segment's file name, shared by the source and every rendition.</summary>
    public string Segment { get; set; } = "";
    public double Duration { get; set; }
    public bool Discontinuity { get; set; }
    public bool KeepAll { get; set; }
    /// <summary>When the segment's media reached the gateway (Unix ms), for EXT-X-PROGRAM-DATE-TIME.</summary>
    public long StartMs { get; set; }
    public long EnqueuedAtMs { get; set; }
    public List<RenditionRequest> Renditions { get; set; } = [];
}

/// <summary>
/// The fan-out job of one live segment (queue <c>live</c>): choose an orchestrator, send the segment, fetch and check
/// every rendition, store them and publish them into their playlists. A failed attempt suspends that orchestrator
/// and the next attempt goes to another one, up to <see cref="TranscodingOptions.MaxAttempts"/> within
/// max(8 s, 4 × duration); a segment that fails them all becomes an <c>EXT-X-GAP</c> in every rendition and an issue
/// on the stream, while the source rendition plays on.
/// </summary>
public sealed class LiveTranscodeJob(
    SegmentTranscoder transcoder,
    Usage.UsageRecorder usage,
    ISegmentStore store,
    LivePlaylists playlists,
    LiveTranscoding transcoding,
    Sessions.SessionSegments segments,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    ILogger<LiveTranscodeJob> logger)
{
    [Queue("live")]
    [AutomaticRetry(Attempts = 0)] // a live segment is worth nothing after its deadline; the job settles it either way
    public async Task RunAsync(LiveSegmentWork work, CancellationToken ct)
    {
        var duration = TimeSpan.FromSeconds(work.Duration);
        var deadline = DateTimeOffset.FromUnixTimeMilliseconds(work.EnqueuedAtMs) + SegmentTiming.SegmentDeadline(duration);
        var source = await ReadSourceAsync(work, ct);
        if (source is null)
        {
            await GiveUpAsync(work, "the source segment is no longer stored");
            return;
        }
        var attempt = new SegmentAttempt(work.SessionId, work.StreamId, work.PlaybackId, work.Seq, source, work.Duration, work.Renditions, deadline);
        var failure = await transcoder.TranscodeAsync(attempt, async done =>
        {
            await PublishAsync(work, done.Files);
            await usage.AddAsync(Usage.UsageSubject.Stream(work.ProjectId, work.StreamId), clock.GetUtcNow(), transcodedSeconds: work.Duration,
                outputPixels: done.Pixels, paidWei: done.PaidWei);
        }, ct);
        if (failure is not null)
        {
            await GiveUpAsync(work, failure);
        }
    }

    private async Task<byte[]?> ReadSourceAsync(LiveSegmentWork work, CancellationToken ct)
    {
        await using var stream = await store.OpenReadAsync(HlsEndpoints.SegmentKey(work.PlaybackId, LivePlaylists.Source, work.Segment), ct);
        if (stream is null)
        {
            return null;
        }
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    private async Task PublishAsync(LiveSegmentWork work, IReadOnlyList<(RenditionRequest Asked, string Path, RenditionFacts Facts)> files)
    {
        long bytes = 0;
        foreach (var (asked, path, facts) in files)
        {
            var size = new FileInfo(path).Length;
            bytes += size;
            await playlists.SetRenditionAsync(work.PlaybackId, asked.Name,
                new RenditionInfo(facts.Width, facts.Height, asked.Fps > 0 ? (double)asked.Fps / Math.Max(1, asked.FpsDen) : null, facts.Codecs),
                onlyIfMissing: true);
            await store.PutFileAsync(HlsEndpoints.SegmentKey(work.PlaybackId, asked.Name, work.Segment), path, CancellationToken.None);
            await segments.AddAsync(work.SessionId, asked.Name, new Sessions.LoggedSegment(Sessions.SessionSegments.IndexOf(work.Segment),
                work.Duration, 0, size, facts.Width, facts.Height, facts.Codecs));
            var settled = await playlists.SettleAsync(work.PlaybackId, asked.Name, work.Seq, work.Segment, work.Duration, size,
                work.Discontinuity, gap: false, work.KeepAll, work.StartMs);
            foreach (var old in settled.Expired)
            {
                await store.DeleteAsync(HlsEndpoints.SegmentKey(work.PlaybackId, asked.Name, old), CancellationToken.None);
            }
        }
        await transcoding.ClearIssueAsync(work.SessionId);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        await AddTranscodedAsync(db.Streams.Where(s => s.Id == work.StreamId), work.Duration, bytes);
        await AddTranscodedAsync(db.Sessions.Where(s => s.Id == work.SessionId), work.Duration, bytes);
    }

    /// <summary>Counts a transcoded segment on a stream or a session row, atomically in the database.</summary>
    private static Task<int> AddTranscodedAsync<T>(IQueryable<T> rows, double duration, long bytes) where T : class, Ingest.ILiveCounters =>
        rows.ExecuteUpdateAsync(s => s
            .SetProperty(x => x.TranscodedSegments, x => x.TranscodedSegments + 1)
            .SetProperty(x => x.TranscodedSegmentsDuration, x => x.TranscodedSegmentsDuration + duration)
            .SetProperty(x => x.TranscodedBytes, x => x.TranscodedBytes + bytes));

    private static Task<int> MarkUnhealthyAsync<T>(IQueryable<T> rows, string issues) where T : class, Ingest.ILiveCounters =>
        rows.ExecuteUpdateAsync(s => s.SetProperty(x => x.IsHealthy, false).SetProperty(x => x.Issues, issues));

    /// <summary>Every attempt failed: each rendition gets a gap for this segment and the stream an issue.</summary>
    private async Task GiveUpAsync(LiveSegmentWork work, string failure)
    {
        logger.LogWarning("Segment {Seq} of {PlaybackId} was not transcoded: {Error}", work.Seq, work.PlaybackId, failure);
        foreach (var asked in work.Renditions)
        {
            await playlists.SettleAsync(work.PlaybackId, asked.Name, work.Seq, $"gap_{work.Seq}.ts", work.Duration, 0,
                work.Discontinuity, gap: true, work.KeepAll, work.StartMs);
        }
        var issue = $"Transcoding failed for segment {work.Seq}: {failure}";
        await transcoding.SetIssueAsync(work.SessionId, issue);
        var issues = System.Text.Json.JsonSerializer.Serialize(new[] { issue });
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        await MarkUnhealthyAsync(db.Streams.Where(s => s.Id == work.StreamId), issues);
        await MarkUnhealthyAsync(db.Sessions.Where(s => s.Id == work.SessionId), issues);
    }
}
