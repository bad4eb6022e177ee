using System.Diagnostics;
using StreamGateway.Core.Health;
using System.Numerics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamGateway.Media.Ffmpeg;
using StreamGateway.Network.Selection;
using StreamGateway.Network.Transport;

namespace StreamGateway.Core.Transcoding;

/// <summary>
/// The orchestrator path shared by live and VOD: choose an orchestrator, pay it in tickets, send the segment, fetch
/// and verify every rendition, and hand the checked files to the caller to publish. A failed attempt suspends that
/// orchestrator and the next attempt goes to another one, up to <see cref="TranscodingOptions.MaxAttempts"/> before
/// the deadline.
/// <para>
/// Bad work (renditions that fail a check) bans an orchestrator only when something else confirms it: another
/// orchestrator's renditions of the same segment pass the same checks, or the orchestrator's work failed on another
/// stream too (<see cref="OrchestratorDirectory.StrikeAsync"/>). When every orchestrator tried fails the checks on one
/// segment, the checks are wrong about that segment, not the orchestrators: nobody is banned for it.
/// </para>
/// </summary>
public sealed class SegmentTranscoder(
    StreamOrchestrators orchestrators,
    OrchestratorDirectory directory,
    OrchestratorClient client,
    BroadcasterIdentity identity,
    TicketSender tickets,
    RenditionVerifier verifier,
    VerificationEvidence evidenceStore,
    IOptions<TranscodingOptions> options,
    TimeProvider clock,
    ILogger<SegmentTranscoder> logger)
{
    /// <returns>Null once <paramref name="publish"/> has taken the renditions; else why every attempt failed.</returns>
    public async Task<string?> TranscodeAsync(SegmentAttempt work, Func<TranscodedSegment, Task> publish, CancellationToken ct)
    {
        var duration = TimeSpan.FromSeconds(work.Duration);
        string? failure = null;
        var tried = new HashSet<string>(StringComparer.Ordinal);
        var job = SegmentRequest.Job([.. work.Renditions.Select(r => r.ToWire())]);
        var suspects = new List<(string Id, string Problem)>();
        try
        {
            for (var attempt = 1; attempt <= options.Value.MaxAttempts; attempt++)
            {
                if (work.Deadline <= clock.GetUtcNow())
                {
                    return failure ?? "the segment's deadline passed before an orchestrator could be tried";
                }
                var orchestrator = await orchestrators.PickAsync(work.Key, duration, tried, job, ct);
                if (orchestrator is null)
                {
                    return failure ?? directory.Unavailable(job);
                }
                tried.Add(orchestrator.Id);
                var (reason, badWork) = await TryAsync(work, orchestrator, duration, publish, ct);
                if (reason is null)
                {
                    // Confirmed: the same segment passed the same checks elsewhere, so the earlier work was wrong.
                    foreach (var (id, problem) in suspects)
                    {
                        await directory.BanAsync(id, $"{problem}; another orchestrator's renditions of the same segment passed");
                    }
                    suspects.Clear();
                    return null;
                }
                if (badWork is not null)
                {
                    suspects.Add((orchestrator.Id, badWork));
                }
                failure = reason;
            }
            return failure;
        }
        finally
        {
            await JudgeUnconfirmedAsync(work, suspects);
        }
    }

    /// <summary>
    /// Bad work nobody confirmed on this segment: one suspect gets a strike (banned with a strike on another stream);
    /// several suspects, and nobody passing, mean the checks are wrong about this segment.
    /// </summary>
    private async Task JudgeUnconfirmedAsync(SegmentAttempt work, List<(string Id, string Problem)> suspects)
    {
        if (suspects.Count == 1)
        {
            await directory.StrikeAsync(suspects[0].Id, work.Key, suspects[0].Problem);
        }
        else if (suspects.Count > 1)
        {
            logger.LogWarning("Segment {Seq} of {PlaybackId} failed the rendition checks on every orchestrator tried ({Orchestrators}): " +
                "the checks are wrong about this segment, so nobody is banned for it. First: {Problem}",
                work.Seq, work.PlaybackId, string.Join(", ", suspects.Select(s => s.Id)), suspects[0].Problem);
        }
    }

    /// <summary>One attempt on one orchestrator.</summary>
    /// <returns>
    /// Null when every rendition passed and was published; else the reason a tenant may read and, when the renditions
    /// failed a check, what was wrong with them.
    /// </returns>
    private async Task<(string? Reason, string? BadWork)> TryAsync(SegmentAttempt work, KnownOrchestrator orchestrator, TimeSpan duration,
        Func<TranscodedSegment, Task> publish, CancellationToken ct)
    {
        var lastResort = directory.IsBanned(orchestrator.Id);
        var started = clock.GetTimestamp();
        await orchestrators.BeginAsync(work.Key, orchestrator.Id, work.Seq);
        string error, reason;
        string? badWork = null;
        try
        {
            var (info, payment, paid, data, fresh, tSession, tPaid) = await SubmitAsync(work, orchestrator, duration, started, ct);
            // Pixel counts are the orchestrator's to state; one too large to add up is as wrong as a false one.
            var tTranscoded = clock.GetElapsedTime(started);
            var pixels = data.Segments.Aggregate(0L, (sum, s) => sum + Math.Clamp(s.Pixels, 0, 1L << 48));
            await tickets.DebitAsync(work.Key, orchestrator.Id, info, work.Renditions, work.Duration, pixels);
            if (fresh is not null)
            {
                await orchestrators.RefreshSessionAsync(work.Key, orchestrator.Id, fresh);
            }
            if (!paid.IsZero)
            {
                GatewayMetrics.TicketsSent.Add(payment.TicketSenderParams.Count, GatewayMetrics.Tag("orchestrator", orchestrator.Id));
                GatewayMetrics.TicketValueSent.Add((double)paid, GatewayMetrics.Tag("orchestrator", orchestrator.Id));
                logger.LogDebug("Segment {Seq} of {PlaybackId}: {Tickets} tickets worth {Value} wei to {Orchestrator}",
                    work.Seq, work.PlaybackId, payment.TicketSenderParams.Count, paid, orchestrator.Id);
            }
            if (data.Segments.Count != work.Renditions.Count)
            {
                throw new OrchestratorException($"{orchestrator.ServiceUri} returned {data.Segments.Count} renditions for {work.Renditions.Count} profiles",
                    reason: "an orchestrator answered with the wrong renditions");
            }
            var files = work.Renditions.Select(r => (Asked: r, Path: ScratchFiles.NewRendition())).ToList();
            try
            {
                // Renditions are fetched and decoded side by side; each must pass before any is published.
                await Task.WhenAll(files.Select((f, i) =>
                    client.DownloadAsync(data.Segments[i].Url, f.Path, MaxRenditionBytes(work, f.Asked), TimeSpan.FromSeconds(4), ct)));
                var tFetched = clock.GetElapsedTime(started);
                // As an on-chain go-B: an orchestrator that gave ticket params must have signed the files we fetched.
                if (ResultSignature.Signer(info) is { } signer && !ResultSignature.Verify(signer, files.Select(f => f.Path), data.Sig.Span))
                {
                    throw new OrchestratorException($"{orchestrator.ServiceUri}: the renditions do not match the result's signature",
                        reason: "an orchestrator's signed result did not match its renditions");
                }
                var checkedFiles = await VerifyAsync(work, orchestrator, data, files, deepCheck: lastResort, ct);
                var tChecked = clock.GetElapsedTime(started);
                var score = SegmentTiming.LatencyScore(clock.GetElapsedTime(started), duration);
                await publish(new TranscodedSegment(checkedFiles, pixels, paid, orchestrator.Id, lastResort
                    ? "transcoded by an orchestrator under a ban for bad work, every other being unavailable; its renditions passed every check"
                    : null));
                await orchestrators.EndAsync(work.Key, orchestrator.Id, work.Seq, score, null);
                Measure(orchestrator.Id, "ok", started);
                GatewayMetrics.SegmentsTranscoded.Add(1, GatewayMetrics.Tag("orchestrator", orchestrator.Id));
                logger.LogDebug("Segment {Seq} of {PlaybackId} transcoded by {Orchestrator} (score {Score:0.00}); ms after the " +
                    "attempt began: session {Session:0}, paid {Paid:0}, transcoded {Transcoded:0}, fetched {Fetched:0}, checked {Checked:0}, " +
                    "published {Published:0}", work.Seq, work.PlaybackId, orchestrator.Id, score, tSession.TotalMilliseconds,
                    tPaid.TotalMilliseconds, tTranscoded.TotalMilliseconds, tFetched.TotalMilliseconds, tChecked.TotalMilliseconds,
                    clock.GetElapsedTime(started).TotalMilliseconds);
                return (null, null);
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
            (error, reason) = (e.Message, e.Reason);
            Measure(orchestrator.Id, "error", started);
        }
        catch (BadWorkException e)
        {
            // Wrong work is not bad luck, but one failed check is not proof either: the caller bans on confirmation.
            (error, reason, badWork) = (e.Message, "an orchestrator's renditions failed verification", e.Message);
            Measure(orchestrator.Id, "bad_work", started);
            GatewayMetrics.VerificationFailures.Add(1, GatewayMetrics.Tag("orchestrator", orchestrator.Id));
        }
        logger.LogWarning("Segment {Seq} of {PlaybackId} failed on {Orchestrator}: {Error}", work.Seq, work.PlaybackId, orchestrator.Id, error);
        await orchestrators.EndAsync(work.Key, orchestrator.Id, work.Seq, null, error);
        await orchestrators.ForgetSessionAsync(work.Key, orchestrator.Id);
        if (!directory.IsBanned(orchestrator.Id))
        {
            await directory.SuspendAsync(orchestrator.Id, error);
        }
        return (reason, badWork);
    }

    /// <summary>
    /// Opens or reuses this stream's session with the orchestrator, pays and sends the segment. A refused payment gets
    /// one more try on a new session: ticket params that expired before this gateway saw the block that ends them (a
    /// round passing mid-stream), or credit the orchestrator does not hold, are the session's staleness, not a fault
    /// of the orchestrator, so it is neither suspended nor skipped for them. A second refusal counts as a failure. So
    /// does a refusal the chain does not bear out (params this gateway already held expired when it paid, params not
    /// expired by the chain's latest block, or credit the orchestrator says it lacks) from an orchestrator this stream
    /// renewed within <see cref="StreamOrchestrators.RenewalWindow"/>:
    /// the refused payment's tickets may still be good, so each such renewal can cost one segment's fee.
    /// </summary>
    private async Task<(Network.Wire.OrchestratorInfo Info, Network.Wire.Payment Payment, BigInteger Value, Network.Wire.TranscodeData Data,
        Network.Wire.OrchestratorInfo? Fresh, TimeSpan SessionAt, TimeSpan PaidAt)> SubmitAsync(SegmentAttempt work, KnownOrchestrator orchestrator,
        TimeSpan duration, long started, CancellationToken ct)
    {
        for (var renewed = false; ; renewed = true)
        {
            var info = await orchestrators.SessionAsync(work.Key, orchestrator, ct);
            var tSession = clock.GetElapsedTime(started);
            var segment = SegmentRequest.Build(work.ManifestId.ToString("N"), work.Seq, work.Source, duration, info.AuthToken,
                [.. work.Renditions.Select(r => r.ToWire())], identity);
            // Whether this gateway's own view of the chain held the params good when it paid: only then can the chain
            // show a refusal honest (an orchestrator chooses its params' expiration block, and could offer expired ones).
            var validWhenPaid = directory.StillGood(info.TicketParams);
            var (payment, paid) = await tickets.PayAsync(work.Key, orchestrator.Id, info, work.Renditions, work.Duration);
            var tPaid = clock.GetElapsedTime(started);
            var left = work.Deadline - clock.GetUtcNow();
            try
            {
                var (data, fresh) = await client.SubmitSegmentAsync(info, segment, work.Source, SegmentTiming.UploadDeadline(duration), left, ct, payment);
                return (info, payment, paid, data, fresh, tSession, tPaid);
            }
            catch (OrchestratorException e) when (e.PaymentRefused && !renewed && work.Deadline > clock.GetUtcNow())
            {
                if (!(validWhenPaid && await ExpiredOnChainAsync(info)) && !await orchestrators.MayRenewAsync(work.Key, orchestrator.Id))
                {
                    throw; // not provably stale, and renewed for this stream within the window: this refusal is a failure
                }
                logger.LogInformation("Segment {Seq} of {PlaybackId}: {Orchestrator} refused the payment ({Error}); sending it again on a new session",
                    work.Seq, work.PlaybackId, orchestrator.Id, e.Message);
                GatewayMetrics.SessionsRenewed.Add(1, GatewayMetrics.Tag("orchestrator", orchestrator.Id));
                await orchestrators.ForgetSessionAsync(work.Key, orchestrator.Id);
            }
        }
    }

    /// <summary>Whether the session's ticket params had expired by the chain's latest block, read now: a refusal for them is honest.</summary>
    private async Task<bool> ExpiredOnChainAsync(Network.Wire.OrchestratorInfo info)
    {
        if (info.TicketParams is not { } p)
        {
            return false;
        }
        try
        {
            return await directory.ReadLatestBlockAsync() is { } block && OrchestratorDirectory.ExpirationBlock(p) <= block;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogDebug("Could not read the chain's latest block to judge a refused payment: {Error}", e.Message);
            return false; // the chain cannot say: the window decides
        }
    }

    private void Measure(string orchestrator, string outcome, long started)
    {
        var tags = new TagList { { "orchestrator", orchestrator }, { "outcome", outcome } };
        GatewayMetrics.TranscodeAttempts.Add(1, tags);
        GatewayMetrics.TranscodeDuration.Record(clock.GetElapsedTime(started).TotalSeconds, tags);
    }

    /// <summary>
    /// The most bytes a rendition may have: <see cref="TranscodingOptions.MaxRenditionToSourceRatio"/> times the source,
    /// or twice what its bitrate asks for over the segment if that is more, plus 1 MiB for container and audio.
    /// </summary>
    private long MaxRenditionBytes(SegmentAttempt work, Rendition asked) =>
        Math.Max((long)options.Value.MaxRenditionToSourceRatio * work.Source.Length, (long)(2 * asked.BitrateBps / 8.0 * Math.Max(1, work.Duration)))
        + 1024 * 1024;

    /// <summary>
    /// Every rendition passes the cheap checks (codec, size, frames, duration, pixels), read from its MPEG-TS bytes
    /// without decoding; a sampled segment (<see cref="RenditionVerifier.SampleAsync"/>: an orchestrator's first of a
    /// session, then one in <see cref="TranscodingOptions.DeepCheckEvery"/>) is also decoded in full, every frame found,
    /// and compared with the source, all in one ffmpeg run. Otherwise the evidence is kept and <see cref="BadWorkException"/> says
    /// what failed. The comparison runs beside the cheap checks, not after them: on an orchestrator's first segment of
    /// a session it would otherwise add its whole time to the first rendition's arrival.
    /// </summary>
    private async Task<List<(Rendition Asked, string Path, RenditionFacts Facts)>> VerifyAsync(SegmentAttempt work,
        KnownOrchestrator orchestrator, Network.Wire.TranscodeData data, List<(Rendition Asked, string Path)> files, bool deepCheck,
        CancellationToken ct)
    {
        string? problem = null;
        string? sourceFile = null;
        Task<Media.Ffmpeg.Similarity[]>? measuring = null;
        try
        {
            var sampled = deepCheck || await verifier.SampleAsync(work.Key, orchestrator.Id);
            if (sampled)
            {
                sourceFile = ScratchFiles.NewSource();
                await File.WriteAllBytesAsync(sourceFile, work.Source, ct);
                measuring = verifier.MeasureAsync(sourceFile, [.. files.Select(f => f.Path)], ct);
            }
            var inspected = await Task.WhenAll(files.Select(async f =>
            {
                try
                {
                    return (Facts: (RenditionFacts?)RenditionFacts.Read(await File.ReadAllBytesAsync(f.Path, ct)), Problem: (string?)null);
                }
                catch (InvalidDataException e)
                {
                    return (Facts: null, Problem: $"rendition {f.Asked.Name} does not decode: {e.Message}");
                }
            }));
            problem = inspected.Select(r => r.Problem).FirstOrDefault(p => p is not null);
            var sourceVideo = SourceVideo(work.Source);
            for (var i = 0; i < files.Count && problem is null; i++)
            {
                problem = RenditionCheck.Problem(files[i].Asked, work.Duration, sourceVideo, data.Segments[i].Pixels, inspected[i].Facts!);
            }
            var result = files.Select((f, i) => (f.Asked, f.Path, inspected[i].Facts!)).ToList();
            if (problem is null && measuring is not null)
            {
                problem = verifier.Judge(await measuring, result);
            }
            if (problem is null)
            {
                return result;
            }
        }
        catch (FfmpegException e)
        {
            // Our own decoder or comparison running out of time says nothing about the orchestrator's work.
            throw new OrchestratorException($"checking the renditions of {orchestrator.ServiceUri} failed: {e.Message}",
                reason: "its renditions could not be checked in time");
        }
        finally
        {
            if (measuring is not null)
            {
                try
                {
                    await measuring;
                }
                catch (Exception e) when (e is FfmpegException or IOException or OperationCanceledException)
                {
                    // Already answered above, or of no account: renditions that failed a cheap check may fail the comparison too.
                }
            }
            if (sourceFile is not null)
            {
                File.Delete(sourceFile);
            }
        }
        problem = $"{orchestrator.ServiceUri}: {problem}";
        var evidence = await evidenceStore.KeepAsync(orchestrator, work, files.Select(f => (f.Asked.Name, f.Path)), problem);
        throw new BadWorkException($"{problem} (evidence {evidence})");
    }

    /// <summary>The source segment's video read from its TS bytes; null when it cannot be read (no frame check then).</summary>
    private static Media.Ts.TsVideoFacts? SourceVideo(byte[] source)
    {
        try
        {
            return Media.Ts.MpegTsVideo.Read(source);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
