using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Data;
using StreamGateway.Core.Streams;

namespace StreamGateway.Core.Live;

/// <summary>
/// The one step that ends a live session, whether its publish ended (the segmenter) or its gateway node went away
/// (<see cref="LostSessionSweep"/>): the session gets its end, its playlists their EXT-X-ENDLIST, its orchestrator
/// sessions a scheduled end, the stream goes idle (<c>stream.idle</c>), and a recorded session with media still
/// listed becomes a recording.
/// </summary>
public sealed class LiveSessionEnd(
    IServiceScopeFactory scopes,
    LivePlaylists playlists,
    LiveTranscoding transcoding,
    IEnumerable<ILiveRecorder> recorders,
    IOptions<HlsOptions> hls,
    TimeProvider clock)
{
    /// <param name="claim">Only end it if nobody has (another node's sweep may find the same lost session);
    /// the segmenter, which owns its session, ends it unconditionally.</param>
    /// <returns>False when <paramref name="claim"/> was set and the session had already ended.</returns>
    public async Task<bool> EndAsync(EndingSession session, bool claim, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        var rows = db.Sessions.Where(s => s.Id == session.SessionId);
        if (claim)
        {
            rows = rows.Where(s => s.EndedAt == null);
        }
        if (await rows.ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, session.EndedAt), ct) == 0 && claim)
        {
            return false;
        }
        await playlists.EndSessionAsync(session.PlaybackId, session.SessionId);
        transcoding.ScheduleEnd(session.SessionId);
        await scope.ServiceProvider.GetRequiredService<StreamActivity>().MarkIdleAsync(session.StreamId, session.SessionId, ct);
        // Its segments are only listed for as long as live playlist state is kept.
        var listed = clock.GetUtcNow() - session.EndedAt < TimeSpan.FromSeconds(hls.Value.StateTtlSeconds);
        if (session.Record && session.HadMedia && listed)
        {
            foreach (var recorder in recorders)
            {
                await recorder.RecordAsync(session.SessionId, ct);
            }
        }
        return true;
    }
}
