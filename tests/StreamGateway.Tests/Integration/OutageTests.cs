using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;

namespace StreamGateway.Tests.Integration;

/// <summary>
/// Tests that take the suite's Redis or PostgreSQL away from every gateway part at once; they run alone, after the
/// suite's other tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StoreOutages
{
    public const string Name = "store outages";
}

/// <summary>
/// What must survive lives in PostgreSQL, and what the live path writes there waits out an outage: a Redis flush in
/// the middle of a recorded publish, with webhook deliveries waiting for a retry, loses neither the recording nor a
/// delivery, and the live playlist is whole again with the next segment; PostgreSQL stopped for 30 s while a stream publishes stops neither the stream nor its events.
/// </summary>
[Collection(StoreOutages.Name)]
public sealed partial class OutageTests
{
    private static readonly Gateway Gw = Gateway.Instance;

    [GeneratedRegex(@"#EXTINF:([0-9.]+),")]
    private static partial Regex Entry();


    [Fact]
    public async Task A_Redis_flush_during_a_recorded_publish_with_deliveries_pending_loses_neither_the_recording_nor_a_webhook()
    {
        try
        {
            await FlushDuringRecordedPublishAsync();
        }
        finally
        {
            // A flush also empties Hangfire's list of servers, which its Redis storage never announces again (SECURITY.md,
            // Known gaps): jobs still run, but the tests after this one, which read that list, get a fresh gateway.
            await DevCommand.RunAsync("gateway", "restart");
        }
    }

    private static async Task FlushDuringRecordedPublishAsync()
    {
        var t = await Gw.NewTenantAsync();
        var refusing = 1;
        await using var receiver = new WebhookReceiver(_ => Volatile.Read(ref refusing) == 1 ? 503 : 200);
        string[] events = ["stream.started", "recording.started", "stream.idle", "recording.waiting", "recording.ready"];
        await t.CreateWebhookAsync(receiver.Url, events);
        var stream = await t.CreateStreamAsync(new { name = "flushed", record = true, profiles = Array.Empty<object>() });

        await using (var broadcaster = Broadcaster.Start(stream["streamKey"]!.GetValue<string>(), 16, video: "640x360"))
        {
            // Both start events were refused at least once, so their next attempts wait in Redis when it is flushed,
            // as do the segments logged so far.
            await Poll.UntilAsync(() => Task.FromResult(Seen(receiver, "stream.started") && Seen(receiver, "recording.started")), 30,
                "the first (refused) deliveries of stream.started and recording.started");
            await Task.Delay(TimeSpan.FromSeconds(3));
            await using (var redis = await ConnectionMultiplexer.ConnectAsync(Environment.GetEnvironmentVariable("SG_REDIS_URL")!.Trim('\'') + ",allowAdmin=true"))
            {
                foreach (var endpoint in redis.GetEndPoints())
                {
                    await redis.GetServer(endpoint).FlushAllDatabasesAsync();
                }
            }
            Volatile.Write(ref refusing, 0);
            var (exit, stderr) = await broadcaster.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(exit == 0, stderr);
        }

        // Live playlist state that Redis forgot is whole again after the next segment: the master playlist keeps the
        // source's picture, and the session's end still ends the playlist.
        using var http = new HttpClient();
        var live = (string)stream["playbackId"]!;
        await Poll.UntilAsync(async () => (await http.GetStringAsync(Gateway.HlsUrl(live, "source/index.m3u8"))).Contains("#EXT-X-ENDLIST", StringComparison.Ordinal),
            30, "the end of the live playlist");
        Assert.Contains("RESOLUTION=640x360", await http.GetStringAsync(Gateway.HlsUrl(live, "index.m3u8")), StringComparison.Ordinal);

        // The recording holds the whole session, the segments from before the flush too.
        var session = await t.RecordedSessionAsync(stream);
        var seconds = session["sourceSegmentsDuration"]!.GetValue<double>();
        Assert.True(seconds >= 14, session.ToJsonString());
        var asset = (await Json.ReadObjectAsync(await t.Http.GetAsync($"api/asset/{session["id"]}")))!;
        var media = await http.GetStringAsync(Gateway.HlsUrl((string)asset["playbackId"]!, "source/index.m3u8"));
        var listed = Entry().Matches(media).Sum(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.True(Math.Abs(listed - seconds) < 0.5, $"the recording lists {listed} s of the session's {seconds} s:\n{media}");

        // Every event was delivered in the end, each with a successful attempt.
        await Poll.UntilAsync(async () => (await DeliveredAsync(t)).Count == events.Length, 90,
            "a successful delivery of every event");
        Assert.Equal(events.Order(), (await DeliveredAsync(t)).Order());
    }

    [Fact]
    public async Task PostgreSQL_stopped_for_30_s_while_a_stream_publishes_stops_neither_the_stream_nor_its_events()
    {
        var t = await Gw.NewTenantAsync();
        await using var receiver = new WebhookReceiver();
        await t.CreateWebhookAsync(receiver.Url, ["stream.started", "stream.idle"]);
        var stream = await t.CreateStreamAsync(new { name = "outage", profiles = Array.Empty<object>() });
        var playbackId = (string)stream["playbackId"]!;

        await using (var broadcaster = Broadcaster.Start(stream["streamKey"]!.GetValue<string>(), 45, video: "640x360"))
        {
            // The outage begins once the publish is accepted, before its first segment marks the stream live.
            await Poll.UntilAsync(async () => (await Json.ReadArrayAsync(await t.Http.GetAsync($"api/stream/{stream["id"]}/sessions"))).Count == 1,
                20, "the publish's session");
            await DevCommand.RunAsync("postgres", "stop");
            var stopped = DateTime.UtcNow;
            try
            {
                // The stream goes on: its playlist keeps growing while the database is away.
                using var http = new HttpClient();
                await Task.Delay(TimeSpan.FromSeconds(8));
                var early = Entry().Count(await http.GetStringAsync(Gateway.HlsUrl(playbackId, "source/index.m3u8")));
                await Task.Delay(TimeSpan.FromSeconds(15));
                var later = Entry().Count(await http.GetStringAsync(Gateway.HlsUrl(playbackId, "source/index.m3u8")));
                Assert.True(later > early, $"the playlist listed {early} segments, then {later} while PostgreSQL was stopped");
                await Task.Delay(stopped.AddSeconds(30) - DateTime.UtcNow);
            }
            finally
            {
                await DevCommand.RunAsync("postgres", "start");
                // This process's pooled connections died with the server; the tests after this one start afresh.
                Npgsql.NpgsqlConnection.ClearAllPools();
            }
            var (exit, stderr) = await broadcaster.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(exit == 0, stderr);
        }

        // What happened while it was away arrives afterwards: the stream went live, then idle, and every segment counted.
        // Both are sent at once when the database is back, so they may arrive in either order; their createdAt (when
        // each happened) puts them in order, as a receiver would.
        var deliveries = await receiver.WaitForAsync(2, TimeSpan.FromSeconds(90));
        Assert.Equal(["stream.started", "stream.idle"], deliveries.Select(d => JsonNode.Parse(d.Text)!)
            .OrderBy(e => e["createdAt"]!.GetValue<long>()).Select(e => (string)e["event"]!).ToArray());
        await Poll.UntilAsync(async () =>
        {
            var sessions = await Json.ReadArrayAsync(await t.Http.GetAsync($"api/stream/{stream["id"]}/sessions"));
            return sessions.Count == 1 && sessions[0]!["sourceSegmentsDuration"]?.GetValue<double>() >= 42;
        }, 30, "the session's counters, the segments of the outage included");
        var ended = await Json.ReadObjectAsync(await t.Http.GetAsync($"api/stream/{stream["id"]}"));
        Assert.False(ended!["isActive"]!.GetValue<bool>());
    }

    private static bool Seen(WebhookReceiver receiver, string eventName) =>
        receiver.Deliveries.Any(d => (string?)JsonNode.Parse(d.Text)!["event"] == eventName);

    private static async Task<List<string>> DeliveredAsync(Tenant t)
    {
        await using var db = Gw.Db();
        return await db.WebhookLogs.Where(l => l.ProjectId == t.ProjectId && l.Success).Select(l => l.Event).Distinct().ToListAsync();
    }
}
