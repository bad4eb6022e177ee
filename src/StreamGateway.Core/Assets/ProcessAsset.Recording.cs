using StreamGateway.Core.Streams;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using StreamGateway.Core.Live;
using StreamGateway.Core.Sessions;
using StreamGateway.Core.Storage;
using StreamGateway.Core.Webhooks;
using StreamGateway.Media.Ffmpeg;
using StreamGateway.Network.Selection;
using StreamGateway.Network.Transport;
using StreamGateway.Core.Transcoding;

namespace StreamGateway.Core.Assets;

/// <summary>
/// A recording is made from what the live session already stored: its source segments become the source rendition
/// and every rendition the orchestrators made live is reused as it is. Only a segment a rendition lacks (it failed
/// live, or its job was lost) is transcoded now. Playlists, thumbnails and MP4s are then made as for any asset.
/// </summary>
public sealed partial class ProcessAsset
{
    private async Task ProcessRecordingAsync(Asset asset, AssetTask? task, string work, CancellationToken ct)
    {
        var sessionId = asset.SourceSessionId ?? asset.Id;
        var session = await db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sessionId, ct)
                      ?? throw new AssetFailedException("the recorded session no longer exists");
        var ladder = await segments.LadderAsync(sessionId);
        var sources = await segments.ReadAsync(sessionId, LivePlaylists.Source);
        if (ladder is null || sources.Count == 0)
        {
            throw new AssetFailedException("the session's segments are no longer stored, so no recording can be made");
        }
        var made = await WaitForLiveRenditionsAsync(session, ladder, sources, ct);

        // The source as stored live: joined into one file (for the videoSpec and thumbnails), and each segment kept as
        // the recording's source rendition.
        var dir = Path.Combine(work, "live");
        Directory.CreateDirectory(dir);
        var whole = Path.Combine(work, "source.ts");
        var present = new List<(LoggedSegment Segment, string Path)>();
        await using (var joined = File.Create(whole))
        {
            foreach (var segment in sources)
            {
                var local = Path.Combine(dir, $"{LivePlaylists.Source}-{segment.Index}.ts");
                if (!await store.DownloadAsync(MediaKeys.Live(session.PlaybackId, LivePlaylists.Source, session.Id, segment.Index), local, ct))
                {
                    logger.LogWarning("Recording {Asset}: source segment {Index} is no longer stored", asset.Id, segment.Index);
                    continue;
                }
                await using (var file = File.OpenRead(local))
                {
                    await file.CopyToAsync(joined, ct);
                }
                present.Add((segment, local));
            }
        }
        if (present.Count == 0)
        {
            throw new AssetFailedException("the session's segments are no longer stored, so no recording can be made");
        }
        var (probe, _) = await ProbeAsync(asset, whole, ContainerFormats.MpegTs, limitDuration: false, ct);
        var seconds = present.Sum(p => p.Segment.Duration);
        var bitrate = present.Sum(p => new FileInfo(p.Path).Length) * 8 / Math.Max(0.1, seconds);
        var rungs = new List<Rendition> { new(LivePlaylists.Source, probe.Width!.Value, probe.Height!.Value, (int)Math.Min(int.MaxValue, bitrate)) };
        rungs.AddRange(ladder.Renditions);

        var results = new Dictionary<long, ChunkResult>();
        var transcoded = 0;
        foreach (var (segment, local) in present)
        {
            var outs = new Dictionary<string, RenditionOut>();
            var missing = new List<Rendition>();
            foreach (var rendition in ladder.Renditions)
            {
                var copy = Path.Combine(dir, $"{rendition.Name}-{segment.Index}.ts");
                if (made[rendition.Name].TryGetValue(segment.Index, out var live) &&
                    await store.DownloadAsync(MediaKeys.Live(session.PlaybackId, rendition.Name, session.Id, segment.Index), copy, ct))
                {
                    await store.PutFileAsync(MediaKeys.VodSegment(asset.PlaybackId, rendition.Name, segment.Index), copy, CancellationToken.None);
                    outs[rendition.Name] = new RenditionOut(live.Bytes, live.Width, live.Height, live.Codecs);
                }
                else
                {
                    missing.Add(rendition);
                }
            }
            if (missing.Count > 0)
            {
                var redone = await pipeline.TranscodeChunkAsync(Work(asset), segment.Index, await File.ReadAllBytesAsync(local, ct), segment.Duration, missing,
                    KeepAsync(asset), ct);
                foreach (var (name, result) in redone.Renditions)
                {
                    outs[name] = result;
                }
                transcoded++;
            }
            outs[LivePlaylists.Source] = new RenditionOut(new FileInfo(local).Length, rungs[0].Width, rungs[0].Height, ladder.Source.Codecs);
            await store.PutFileAsync(MediaKeys.VodSegment(asset.PlaybackId, LivePlaylists.Source, segment.Index), local, CancellationToken.None);
            results[segment.Index] = new ChunkResult(segment.Duration, outs);
            await ProgressAsync(asset.Id, task?.Id, Math.Round(0.9 * results.Count / present.Count, 3));
        }
        logger.LogInformation("Recording {Asset}: {Segments} segments reused from the live session, {Transcoded} transcoded again",
            asset.Id, present.Count - transcoded, transcoded);
        await FinishAsync(asset, task, rungs, results, whole, ContainerFormats.MpegTs, probe.Duration ?? seconds, work, ct);
        await PruneLiveCopiesAsync(session, rungs, sources);
    }

    /// <summary>
    /// Renditions of the last segments may still be on their way when the publish ends: waits until every rendition
    /// has every source segment, or until the last segment's live deadline has passed.
    /// </summary>
    private async Task<Dictionary<string, Dictionary<long, LoggedSegment>>> WaitForLiveRenditionsAsync(Session session, SessionLadder ladder,
        IReadOnlyList<LoggedSegment> sources, CancellationToken ct)
    {
        var until = (session.EndedAt ?? clock.GetUtcNow()) + SegmentTiming.SegmentDeadline(TimeSpan.FromSeconds(sources.Max(s => s.Duration))) +
                    TimeSpan.FromSeconds(2);
        while (true)
        {
            var made = new Dictionary<string, Dictionary<long, LoggedSegment>>();
            foreach (var rendition in ladder.Renditions)
            {
                made[rendition.Name] = (await segments.ReadAsync(session.Id, rendition.Name)).ToDictionary(s => s.Index);
            }
            if (made.Values.All(m => sources.All(s => m.ContainsKey(s.Index))) || clock.GetUtcNow() >= until)
            {
                return made;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500), clock, ct);
        }
    }

    /// <summary>
    /// The recording now holds the session: its live copies go the way a stream that does not record loses them,
    /// except the last few, which the ended live playlist still lists; those go once that playlist state has expired.
    /// </summary>
    private async Task PruneLiveCopiesAsync(Session session, IReadOnlyList<Rendition> renditions, IReadOnlyList<LoggedSegment> sources)
    {
        var names = renditions.Select(r => r.Name).ToArray();
        var first = sources.Min(s => s.Index);
        var last = sources.Max(s => s.Index);
        var kept = last - hls.Value.RetainSegments + 1;
        await DropLiveCopies.DeleteAsync(store, session.PlaybackId, session.Id, names, first, kept - 1);
        jobs.Schedule<DropLiveCopies>(job => job.RunAsync(session.PlaybackId, session.Id, names, Math.Max(first, kept), last),
            TimeSpan.FromSeconds(hls.Value.StateTtlSeconds));
    }

    /// <summary>For a recording: the <c>recording.ready</c> event, added to the commit that makes the asset ready.</summary>
    private async Task<WebhookEvent?> RecordingReadyAsync(Asset asset, DateTimeOffset now, CancellationToken ct)
    {
        if (asset.SourceType != "recording" || asset.SourceSessionId is not { } sessionId)
        {
            return null;
        }
        var session = await db.Sessions.AsNoTracking().FirstAsync(s => s.Id == sessionId, ct);
        var stream = await db.Streams.AsNoTracking().FirstAsync(s => s.Id == session.StreamId, ct);
        var resource = SessionResource.From(session, now, SessionRecordings.Describe(asset, asset.PublicBase), withAssetId: true);
        return StreamEvents.Add(db, "recording.ready", stream, now, new { recordingUrl = resource.RecordingUrl, mp4Url = resource.Mp4Url, session = resource });
    }
}
