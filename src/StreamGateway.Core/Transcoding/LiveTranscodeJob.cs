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
    StreamOrchestrators orchestrators,
    OrchestratorDirectory directory,
    OrchestratorClient client,
    BroadcasterIdentity identity,
    Payments.TicketSender tickets,
    Usage.UsageRecorder usage,
    RenditionVerifier verifier,
    VerificationEvidence evidenceStore,
    ISegmentStore store,
    LivePlaylists playlists,
    LiveTranscoding transcoding,
    IServiceScopeFactory scopes,
    IOptions<TranscodingOptions> options,
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
        var failure = source is null ? "the source segment is no longer stored" : null;
        var tried = new HashSet<string>(StringComparer.Ordinal);
        for (var attempt = 1; source is not null && attempt <= options.Value.MaxAttempts; attempt++)
        {
            var left = deadline - clock.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                failure ??= "the segment's deadline passed before an orchestrator could be tried";
                break;
            }
            var orchestrator = await orchestrators.PickAsync(work.SessionId, duration, tried, ct);
            if (orchestrator is null)
            {
                failure ??= directory.Unavailable();
                break;
            }
            tried.Add(orchestrator.Id);
            var error = await TryAsync(work, source, orchestrator, duration, left, ct);
            if (error is null)
            {
                return;
            }
            failure = error;
        }
        await GiveUpAsync(work, failure!);
    }

    /// <summary>One attempt on one orchestrator; null when every rendition is stored and published.</summary>
    private async Task<string?> TryAsync(LiveSegmentWork work, byte[] source, KnownOrchestrator orchestrator, TimeSpan duration,
        TimeSpan left, CancellationToken ct)
    {
        var started = clock.GetTimestamp();
        await orchestrators.BeginAsync(work.SessionId, orchestrator.Id, work.Seq);
        string? error;
        try
        {
            var info = await orchestrators.SessionAsync(work.SessionId, orchestrator, ct);
            var segment = SegmentRequest.Build(work.StreamId.ToString("N"), work.Seq, source, duration, info.AuthToken, work.Renditions, identity);
            var (payment, paid) = await tickets.PayAsync(work.SessionId, orchestrator.Id, info, work.Renditions, work.Duration);
            var (data, fresh) = await client.SubmitSegmentAsync(info, segment, source, SegmentTiming.UploadDeadline(duration), left, ct, payment);
            await tickets.DebitAsync(work.SessionId, orchestrator.Id, info, data.Segments.Sum(s => s.Pixels));
            if (fresh is not null)
            {
                await orchestrators.RefreshSessionAsync(work.SessionId, orchestrator.Id, fresh);
            }
            if (!paid.IsZero)
            {
                logger.LogDebug("Segment {Seq} of {PlaybackId}: {Tickets} tickets worth {Value} wei to {Orchestrator}",
                    work.Seq, work.PlaybackId, payment.TicketSenderParams.Count, paid, orchestrator.Id);
            }
            if (data.Segments.Count != work.Renditions.Count)
            {
                throw new OrchestratorException($"{orchestrator.ServiceUri} returned {data.Segments.Count} renditions for {work.Renditions.Count} profiles");
            }
            var files = work.Renditions.Select(r => (Asked: r, Path: Path.Combine(Path.GetTempPath(), $"sg-rendition-{Guid.NewGuid():N}.ts"))).ToList();
            try
            {
                // Renditions are fetched and decoded side by side; each must pass before any is published.
                var downloads = await Task.WhenAll(files.Select(async (f, i) =>
                    await client.DownloadAsync(data.Segments[i].Url, TimeSpan.FromSeconds(4), ct)));
                var checkedFiles = await VerifyAsync(work, source, orchestrator, data, files, downloads, ct);
                var score = SegmentTiming.LatencyScore(clock.GetElapsedTime(started), duration);
                await PublishAsync(work, checkedFiles);
                await usage.AddAsync(Usage.UsageSubject.Stream(work.ProjectId, work.StreamId), clock.GetUtcNow(), transcodedSeconds: work.Duration,
                    outputPixels: data.Segments.Sum(s => s.Pixels), paidWei: paid);
                await orchestrators.EndAsync(work.SessionId, orchestrator.Id, work.Seq, score, null);
                logger.LogDebug("Segment {Seq} of {PlaybackId} transcoded by {Orchestrator} (score {Score:0.00})",
                    work.Seq, work.PlaybackId, orchestrator.Id, score);
                return null;
            }
            finally
            {
                foreach (var (_, path) in files)
                {
                    File.Delete(path);
                }
            }
        }
        catch (OrchestratorException e)
        {
            error = e.Message;
        }
        catch (BadWorkException e)
        {
            // Wrong work is not bad luck: the orchestrator gets nothing until its ban runs out or an operator lifts it.
            error = e.Message;
            await directory.BanAsync(orchestrator.Id, error);
        }
        logger.LogWarning("Segment {Seq} of {PlaybackId} failed on {Orchestrator}: {Error}", work.Seq, work.PlaybackId, orchestrator.Id, error);
        await orchestrators.EndAsync(work.SessionId, orchestrator.Id, work.Seq, null, error);
        await orchestrators.ForgetSessionAsync(work.SessionId, orchestrator.Id);
        if (!directory.IsBanned(orchestrator.Id))
        {
            await directory.SuspendAsync(orchestrator.Id, error);
        }
        return error;
    }

    /// <summary>
    /// Every rendition passes the cheap checks (decode, size, frames, duration, pixels) and, on a sampled segment, the
    /// comparison with the source; otherwise the evidence is kept and <see cref="BadWorkException"/> says what failed.
    /// </summary>
    private async Task<List<(RenditionRequest Asked, string Path, RenditionFacts Facts)>> VerifyAsync(LiveSegmentWork work, byte[] source,
        KnownOrchestrator orchestrator, Network.Wire.TranscodeData data, List<(RenditionRequest Asked, string Path)> files, byte[][] downloads,
        CancellationToken ct)
    {
        string? problem = null;
        try
        {
            var inspected = await Task.WhenAll(files.Select(async (f, i) =>
            {
                await File.WriteAllBytesAsync(f.Path, downloads[i], ct);
                try
                {
                    return (Facts: (RenditionFacts?)await InspectAsync(f.Path, ct), Problem: (string?)null);
                }
                catch (FfmpegException e) when (!e.TimedOut)
                {
                    return (Facts: null, Problem: $"rendition {f.Asked.Name} does not decode: {e.StderrTail.Replace(f.Path, $"{f.Asked.Name}.ts", StringComparison.Ordinal).Trim()}");
                }
            }));
            problem = inspected.Select(r => r.Problem).FirstOrDefault(p => p is not null);
            var sourceFrames = SourceFrames(source);
            for (var i = 0; i < files.Count && problem is null; i++)
            {
                problem = RenditionCheck.Problem(files[i].Asked, work.Duration, sourceFrames, data.Segments[i].Pixels, inspected[i].Facts!);
            }
            var result = files.Select((f, i) => (f.Asked, f.Path, inspected[i].Facts!)).ToList();
            if (problem is null && await verifier.SampleAsync(work.SessionId, orchestrator.Id))
            {
                var sourceFile = Path.Combine(Path.GetTempPath(), $"sg-source-{Guid.NewGuid():N}.ts");
                try
                {
                    await File.WriteAllBytesAsync(sourceFile, source, ct);
                    problem = await verifier.CompareAsync(sourceFile, result, ct);
                }
                finally
                {
                    File.Delete(sourceFile);
                }
            }
            if (problem is null)
            {
                return result;
            }
        }
        catch (FfmpegException e)
        {
            // Our own decoder or comparison running out of time says nothing about the orchestrator's work.
            throw new OrchestratorException($"checking the renditions of {orchestrator.ServiceUri} failed: {e.Message}");
        }
        problem = $"{orchestrator.ServiceUri}: {problem}";
        var evidence = await evidenceStore.KeepAsync(orchestrator, work, source, files.Select(f => (f.Asked.Name, f.Path)), problem);
        throw new BadWorkException($"{problem} (evidence {evidence})");
    }

    /// <summary>Frames in the source segment, read from its TS bytes; 0 when they cannot be read (no frame check then).</summary>
    private static long SourceFrames(byte[] source)
    {
        try
        {
            return Media.Ts.MpegTsVideo.Read(source).Frames;
        }
        catch (InvalidDataException)
        {
            return 0;
        }
    }

    private async Task<RenditionFacts> InspectAsync(string path, CancellationToken ct) =>
        RenditionFacts.Parse(await FfmpegProcess.RunAsync(options.Value.FfprobePath, FfmpegArguments.InspectRendition(path),
            TimeSpan.FromSeconds(10), ct));

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

    private async Task PublishAsync(LiveSegmentWork work, List<(RenditionRequest Asked, string Path, RenditionFacts Facts)> files)
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
            var settled = await playlists.SettleAsync(work.PlaybackId, asked.Name, work.Seq, work.Segment, work.Duration, size,
                work.Discontinuity, gap: false, work.KeepAll);
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
                work.Discontinuity, gap: true, work.KeepAll);
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
