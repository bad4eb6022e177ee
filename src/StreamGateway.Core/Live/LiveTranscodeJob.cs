using Hangfire;
using Microsoft.Extensions.Logging;
using StreamGateway.Core.Storage;
using StreamGateway.Core.Transcoding;
using StreamGateway.Core.Usage;
using StreamGateway.Media.Ffmpeg;
using StreamGateway.Network.Selection;

namespace StreamGateway.Core.Live;

/// <summary>
/// The fan-out job of one live segment (queue <c>live</c>): choose an orchestrator, send the segment, fetch and check
/// every rendition, store them and publish them into their playlists. A failed attempt suspends that orchestrator
/// and the next attempt goes to another one, up to <see cref="TranscodingOptions.MaxAttempts"/> within
/// max(8 s, 4 × duration); a segment that fails them all becomes an <c>EXT-X-GAP</c> in every rendition and an issue
/// on the stream, while the source rendition plays on.
/// </summary>
public sealed class LiveTranscodeJob(
    SegmentTranscoder transcoder,
    UsageRecorder usage,
    Data.DurableWrites writes,
    ISegmentStore store,
    LiveRenditions renditions,
    LiveStatistics statistics,
    LiveTranscoding transcoding,
    NodeActivity node,
    TimeProvider clock,
    ILogger<LiveTranscodeJob> logger)
{
    [Queue("live")]
    [AutomaticRetry(Attempts = 0)] // a live segment is worth nothing after its deadline; the job settles it either way
    public async Task RunAsync(LiveSegmentWork work, CancellationToken ct)
    {
        var duration = TimeSpan.FromSeconds(work.Duration);
        logger.LogDebug("Segment {Seq} of {PlaybackId}: job started {Ms} ms after it was queued", work.Seq, work.PlaybackId,
            clock.GetUtcNow().ToUnixTimeMilliseconds() - work.EnqueuedAtMs);
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
            await PublishAsync(work, done.Files, done.Caution);
            node.LiveSegmentTranscoded();
            var at = clock.GetUtcNow();
            _ = writes.Run(work.SessionId, "usage", _ => usage.AddAsync(UsageSubject.ForStream(work.ProjectId, work.StreamId), at,
                transcodedSeconds: work.Duration, outputPixels: done.Pixels, paidWei: done.PaidWei));
        }, ct);
        if (failure is not null)
        {
            await GiveUpAsync(work, failure);
        }
    }

    private async Task<byte[]?> ReadSourceAsync(LiveSegmentWork work, CancellationToken ct)
    {
        await using var stream = await store.OpenReadAsync(MediaKeys.Live(work.PlaybackId, LivePlaylists.Source, work.Segment), ct);
        if (stream is null)
        {
            return null;
        }
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    private static LiveSegment SegmentOf(LiveSegmentWork work) =>
        new(work.PlaybackId, work.SessionId, work.Segment, work.Duration, work.StartMs, work.KeepAll, work.Seq, work.Discontinuity);

    private async Task PublishAsync(LiveSegmentWork work, IReadOnlyList<(Rendition Asked, string Path, RenditionFacts Facts)> files, string? caution)
    {
        var segment = SegmentOf(work);
        long bytes = 0;
        foreach (var (asked, path, facts) in files)
        {
            bytes += new FileInfo(path).Length;
            await renditions.PublishAsync(segment, asked.Name, path,
                new RenditionInfo(facts.Width, facts.Height, asked.Fps > 0 ? (double)asked.Fps / Math.Max(1, asked.FpsDen) : null, facts.Codecs));
        }
        if (caution is null)
        {
            await transcoding.ClearIssueAsync(work.SessionId);
        }
        else
        {
            await transcoding.SetIssueAsync(work.SessionId, $"Segment {work.Seq} was {caution}");
        }
        statistics.AddTranscoded(work.StreamId, work.SessionId, work.Duration, bytes);
    }

    /// <summary>Every attempt failed: each rendition gets a gap for this segment and the stream an issue.</summary>
    private async Task GiveUpAsync(LiveSegmentWork work, string failure)
    {
        logger.LogWarning("Segment {Seq} of {PlaybackId} was not transcoded: {Error}", work.Seq, work.PlaybackId, failure);
        var segment = SegmentOf(work);
        foreach (var asked in work.Renditions)
        {
            await renditions.GapAsync(segment, asked.Name);
        }
        var issue = $"Transcoding failed for segment {work.Seq}: {failure}";
        await transcoding.SetIssueAsync(work.SessionId, issue);
        statistics.MarkUnhealthy(work.StreamId, work.SessionId, issue);
    }
}
