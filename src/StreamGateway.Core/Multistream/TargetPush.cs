using System.Globalization;
using Microsoft.Extensions.Logging;
using StreamGateway.Core.Live;
using StreamGateway.Core.Sessions;
using StreamGateway.Core.Storage;
using StreamGateway.Core.Streams;
using StreamGateway.Media.Ffmpeg;

namespace StreamGateway.Core.Multistream;

/// <summary>
/// One target of one live session, pushed for as long as it is wanted: an ffmpeg remuxes the rendition's segments, fed
/// on its stdin as they are listed, to the target (FLV over RTMP(S), MPEG-TS over SRT). A target that refuses or drops
/// is tried again after 1 s, doubling up to <see cref="MultistreamOptions.MaxRetrySeconds"/>, from the newest segment;
/// nothing else (the stream, other targets) notices. Webhooks: <c>multistream.connected</c> each time bytes reach
/// the target, <c>multistream.disconnected</c> each time a connection that had them ends, <c>multistream.error</c>
/// once per run of failed tries.
/// </summary>
internal sealed class TargetPush(PushPlan plan, PushDeps deps, ILogger logger) : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);
    /// <summary>How long an ended session's push waits for its rendition's last segments (transcoded after the source's).</summary>
    public static readonly TimeSpan DrainFor = TimeSpan.FromSeconds(8);
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _draining;
    private readonly CancellationTokenSource _stop = new();
    private Task? _running;
    private long _bytes;
    private long? _connectedAt;
    private int _attempts;
    private string? _lastError;

    public PushPlan Plan => plan;

    public void Start() => _running = Task.Run(RunAsync);

    /// <summary>
    /// Ends the push. With <paramref name="drain"/> (the session ended) the segments still being listed are sent first,
    /// for up to <see cref="DrainFor"/>, so the target gets the end of the stream; then the connection closes.
    /// </summary>
    public async Task StopAsync(bool drain = false)
    {
        if (drain)
        {
            _draining = true;
            using var limit = new CancellationTokenSource(DrainFor);
            try
            {
                await _drained.Task.WaitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        await _stop.CancelAsync();
        if (_running is not null)
        {
            await _running;
        }
        Dispose();
    }

    public void Dispose() => _stop.Dispose();

    private async Task RunAsync()
    {
        var backoff = TimeSpan.FromSeconds(1);
        var failing = false;
        string? lastSent = null;
        while (!_stop.IsCancellationRequested)
        {
            _attempts++;
            await StatusAsync(failing ? "retrying" : "connecting");
            var (connected, error, sent) = await TryAsync(lastSent);
            lastSent = sent ?? lastSent;
            if (_stop.IsCancellationRequested)
            {
                break;
            }
            _lastError = error;
            if (connected)
            {
                backoff = TimeSpan.FromSeconds(1);
                failing = false;
            }
            if (!failing)
            {
                // A drop after bytes flowed was told as disconnected; a first failed try of a run is an error.
                if (!connected)
                {
                    await deps.Events.EmitAsync(plan, "multistream.error", error);
                }
                failing = true;
            }
            logger.LogInformation("Multistream to {Target} of session {SessionId} ended ({Error}); trying again in {Seconds} s",
                plan.TargetName, plan.SessionId, error, backoff.TotalSeconds);
            await StatusAsync("retrying");
            try
            {
                await Task.Delay(backoff, deps.Clock, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            backoff = TimeSpan.FromSeconds(Math.Min(backoff.TotalSeconds * 2, deps.Options.MaxRetrySeconds));
        }
        _connectedAt = null;
        await StatusAsync("stopped");
    }

    /// <returns>Whether bytes reached the target, why the try ended, and the last segment written.</returns>
    private async Task<(bool Connected, string Error, string? LastSent)> TryAsync(string? after)
    {
        if (!deps.Options.AllowPrivateTargets && !await TargetUrls.IsPublicAsync(plan.Url, _stop.Token))
        {
            return (false, "the target's address is not a public one (Multistream:AllowPrivateTargets is off)", after);
        }
        var ffmpeg = FfmpegProcess.Start(deps.FfmpegPath, FfmpegArguments.Restream(plan.Url, plan.VideoOnly));
        var connected = false;
        var baseBytes = _bytes;
        var progress = Task.Run(async () =>
        {
            while (await ffmpeg.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("total_size=", StringComparison.Ordinal) &&
                    long.TryParse(line.AsSpan(11), NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size > 0)
                {
                    Interlocked.Exchange(ref _bytes, baseBytes + size);
                    if (!connected)
                    {
                        connected = true;
                        _connectedAt = deps.Clock.GetUtcNow().ToUnixTimeMilliseconds();
                        await deps.Events.EmitAsync(plan, "multistream.connected", null);
                    }
                    await StatusAsync("connected");
                }
            }
        });
        string? sent = after;
        string error;
        try
        {
            while (!_stop.IsCancellationRequested && !ffmpeg.HasExited)
            {
                var (segments, ended) = await NewSegmentsAsync(sent);
                if (ended && segments.Count == 0 && _draining)
                {
                    _drained.TrySetResult();
                }
                foreach (var segment in segments)
                {
                    await using var bytes = await deps.Store.OpenReadAsync(MediaKeys.Live(plan.PlaybackId, plan.Rendition, segment), _stop.Token);
                    if (bytes is not null)
                    {
                        await bytes.CopyToAsync(ffmpeg.StandardInput, _stop.Token);
                        await ffmpeg.StandardInput.FlushAsync(_stop.Token);
                    }
                    sent = segment;
                }
                await Task.Delay(Poll, deps.Clock, _stop.Token);
            }
            error = "the target closed the connection";
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            error = "stopped";
        }
        catch (IOException)
        {
            error = "the target closed the connection";
        }
        var exit = await ffmpeg.FinishAsync(TimeSpan.FromSeconds(5));
        await progress;
        var tail = ffmpeg.StderrTail.Trim();
        await ffmpeg.DisposeAsync();
        if (!_stop.IsCancellationRequested && tail.Length > 0)
        {
            // ffmpeg's words, with the URL (which holds the platform's stream key) taken out.
            error = tail.Replace(plan.Url, "<target>", StringComparison.Ordinal).Split('\n')[^1];
        }
        else if (!_stop.IsCancellationRequested && exit != 0)
        {
            error = $"the push ended with exit code {exit}";
        }
        if (connected)
        {
            _connectedAt = null;
            await deps.Events.EmitAsync(plan, "multistream.disconnected", _stop.IsCancellationRequested ? null : error);
        }
        return (connected, error, sent);
    }

    /// <summary>
    /// Segments listed after <paramref name="after"/> (on a first try, or once it left the window, the newest only), and
    /// whether the playlist has ended.
    /// </summary>
    private async Task<(IReadOnlyList<string> Segments, bool Ended)> NewSegmentsAsync(string? after)
    {
        var text = (await deps.Playlists.MediaAsync(plan.PlaybackId, plan.Rendition)).Text;
        if (text is null)
        {
            return ([], false);
        }
        var ended = text.Contains("#EXT-X-ENDLIST", StringComparison.Ordinal);
        var listed = text.Split('\n').Select(l => l.Trim())
            .Where(l => l.Length > 0 && l[0] != '#' && !l.StartsWith("gap_", StringComparison.Ordinal)).ToList();
        var at = after is null ? -1 : listed.IndexOf(after);
        return (at >= 0 ? listed[(at + 1)..] : listed.Count > 0 ? [listed[^1]] : [], ended);
    }

    private Task StatusAsync(string state) => deps.Statuses.SetAsync(plan.SessionId, new PushStatus(plan.TargetId.ToString(), plan.TargetName,
        plan.Rendition, state, Interlocked.Read(ref _bytes), _lastError, _connectedAt, _attempts, deps.Clock.GetUtcNow().ToUnixTimeMilliseconds()));
}

/// <summary>What every push needs, shared.</summary>
internal sealed record PushDeps(LivePlaylists Playlists, ISegmentStore Store, PushStatuses Statuses, MultistreamEvents Events,
    MultistreamOptions Options, string FfmpegPath, TimeProvider Clock);
