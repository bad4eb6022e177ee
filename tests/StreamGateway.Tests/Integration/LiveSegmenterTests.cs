using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using StreamGateway.Media.Rtmp;
using StreamGateway.Tests.Integration.Transcoding;

namespace StreamGateway.Tests.Integration;

/// <summary>
/// The two live segmenters: the suite's gateway cuts with our own muxer (the default), a second gateway with
/// <c>Ingest:Segmenter = Ffmpeg</c>; a publish in a codec the muxer does not carry goes to ffmpeg by itself, and one that
/// changes to such a codec mid-way is ended with the reason.
/// </summary>
public sealed partial class LiveSegmenterTests
{
    private const int HttpPort = 18098, RtmpPort = 11953;
    private static readonly Gateway Gw = Gateway.Instance;

    [Fact]
    public async Task The_ffmpeg_segmenter_and_the_native_one_cut_the_same_segments_from_the_same_publish()
    {
        await using var second = await SecondGateway.StartAsync(HttpPort, RtmpPort, redisDatabase: 14, new Dictionary<string, string>
        {
            ["Ingest__Segmenter"] = "Ffmpeg",
            ["Transcoding__RpcUrl"] = "",
            ["Transcoding__Controller"] = "",
        });
        using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}/") };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await second.NewApiKeyAsync());
        using var created = await api.PostAsJsonAsync("api/stream", new { name = "ffmpeg-cut" });
        var viaFfmpeg = (await Json.ReadObjectAsync(created))!;
        var t = await Gw.NewTenantAsync();
        var viaNative = await t.CreateStreamAsync(new { name = "native-cut" });

        // One FLV file, published to both: the same bytes reach each segmenter.
        var flv = Path.Combine(Path.GetTempPath(), $"sg-segmenters-{Guid.NewGuid():N}.flv");
        try
        {
            var (code, _, error) = await Viewer.RunAsync("ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-t", "7", "-c:v", "libx264", "-preset", "veryfast", "-bf", "2", "-g", "60", "-pix_fmt", "yuv420p", "-b:v", "500k",
                "-c:a", "aac", "-b:a", "96k", "-f", "flv", flv);
            Assert.True(code == 0, error);
            var publishes = new[]
            {
                Publish(flv, $"rtmp://127.0.0.1:{RtmpPort}/live/{viaFfmpeg["streamKey"]}"),
                Publish(flv, Broadcaster.RtmpUrl((string)viaNative["streamKey"]!)),
            };
            foreach (var (exit, stderr) in await Task.WhenAll(publishes))
            {
                Assert.True(exit == 0, stderr);
            }
        }
        finally
        {
            File.Delete(flv);
        }

        var ffmpegHls = $"http://127.0.0.1:{HttpPort}/hls/{viaFfmpeg["playbackId"]}";
        var nativeHls = $"{Environment.GetEnvironmentVariable("SG_HLS_URL")}/{viaNative["playbackId"]}";
        using var viewer = new HttpClient();
        var ffmpegPlaylist = await EndedPlaylistAsync(viewer, $"{ffmpegHls}/source/index.m3u8", second.LogTail);
        var nativePlaylist = await EndedPlaylistAsync(viewer, $"{nativeHls}/source/index.m3u8", () => "");

        // The same cuts, to the millisecond the playlist gives. The last segment's end is where its last frame ends,
        // which each side estimates its own way (ffmpeg from the video, ours from the later of audio and video): within a frame.
        var ffmpegDurations = Durations(ffmpegPlaylist);
        var nativeDurations = Durations(nativePlaylist);
        Assert.True(nativeDurations.Count >= 3, nativePlaylist);
        Assert.Equal(ffmpegDurations[..^1], nativeDurations[..^1]);
        Assert.Equal(ffmpegDurations.Count, nativeDurations.Count);
        Assert.InRange(nativeDurations[^1], ffmpegDurations[^1] - 0.034, ffmpegDurations[^1] + 0.034);
        // The same master playlist entry but for the measured bandwidth: size, codecs, frame rate (ours read from the
        // segment's bytes, ffmpeg's from ffprobe).
        var nativeEntry = Bandwidth().Replace(StreamInf().Match(await viewer.GetStringAsync($"{nativeHls}/index.m3u8")).Value, "");
        Assert.Equal(Bandwidth().Replace(StreamInf().Match(await viewer.GetStringAsync($"{ffmpegHls}/index.m3u8")).Value, ""), nativeEntry);
        Assert.Contains("RESOLUTION=320x240", nativeEntry);
        Assert.Contains("FRAME-RATE=30.000", nativeEntry);

        // The same streams in every segment and the same video packets, tick for tick (audio is packed into PES packets
        // a little differently, so its times are held to ffmpeg's in the muxer's own golden tests), and it all decodes
        // without a complaint.
        var ffmpegSegments = SegmentNames(ffmpegPlaylist);
        var nativeSegments = SegmentNames(nativePlaylist);
        for (var i = 0; i < nativeSegments.Count; i++)
        {
            Assert.Equal(await ProbeAsync($"{ffmpegHls}/source/{ffmpegSegments[i]}"), await ProbeAsync($"{nativeHls}/source/{nativeSegments[i]}"));
        }
        var decode = await Viewer.RunAsync("ffmpeg", "-v", "error", "-i", $"{nativeHls}/source/index.m3u8", "-f", "null", "-");
        Assert.True(decode.ExitCode == 0 && decode.Stderr.Trim().Length == 0, decode.Stderr);
    }

    [Fact]
    public async Task A_publish_with_mp3_audio_goes_to_ffmpeg_and_plays()
    {
        var t = await Gw.NewTenantAsync();
        var s = await t.CreateStreamAsync(new { name = "mp3 audio" });
        var flv = Path.Combine(Path.GetTempPath(), $"sg-mp3-{Guid.NewGuid():N}.flv");
        try
        {
            var (code, _, error) = await Viewer.RunAsync("ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=15", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
                "-t", "5", "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p",
                "-c:a", "libmp3lame", "-b:a", "64k", "-f", "flv", flv);
            Assert.True(code == 0, error);
            var (exit, stderr) = await Publish(flv, Broadcaster.RtmpUrl((string)s["streamKey"]!));
            Assert.True(exit == 0, stderr);
        }
        finally
        {
            File.Delete(flv);
        }
        var hls = Gateway.HlsUrl((string)s["playbackId"]!, "source/index.m3u8");
        using var viewer = new HttpClient();
        var playlist = await EndedPlaylistAsync(viewer, hls, () => "");
        Assert.True(ExtInf().Count(playlist) >= 2, playlist);
        var probe = await Viewer.RunAsync("ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0",
            Gateway.HlsUrl((string)s["playbackId"]!, "source/" + SegmentNames(playlist)[0]));
        // (ffprobe lists each stream under the program too.)
        Assert.Equal(["h264", "mp3"], probe.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct().Order());
        var stream = (await Json.ReadObjectAsync(await t.Http.GetAsync($"api/stream/{s["id"]}")))!;
        Assert.True(stream["issues"] is not JsonArray { Count: > 0 }, stream.ToJsonString());
    }

    [Fact]
    public async Task A_codec_the_native_segmenter_does_not_carry_arriving_mid_publish_ends_it_with_the_reason()
    {
        var t = await Gw.NewTenantAsync();
        var s = await t.CreateStreamAsync(new { name = "codec change" });
        using var peer = await RawRtmpPeer.ConnectAsync("127.0.0.17");
        Assert.Equal("start", await peer.PublishAsync((string)s["streamKey"]!));
        await peer.SendMessageAsync(4, 18, 1, 0, Amf0.Encode("@setDataFrame", "onMetaData",
            new Amf0EcmaArray { { "audiocodecid", 10.0 }, { "audiosamplerate", 44100.0 } }));
        // AAC: the AudioSpecificConfig (LC, 44.1 kHz, stereo), then 3 s of frames (the muxer does not decode them).
        await peer.SendMessageAsync(4, 8, 1, 0, [0xAF, 0x00, 0x12, 0x10]);
        var frame = new byte[2 + 200];
        frame[0] = 0xAF;
        frame[1] = 0x01;
        for (var i = 0; i < 130; i++)
        {
            await peer.SendMessageAsync(4, 8, 1, (uint)(i * 1024 * 1000 / 44100), frame);
        }
        // A moment for the first segment (cut at 2 s) to be published, then an MP3 frame on the same track.
        await Task.Delay(1000);
        await peer.SendMessageAsync(4, 8, 1, 3030, [0x2F, 0xFF, 0xFB, 0x90, 0x00]);

        Assert.True(await peer.ClosedByGatewayWithinAsync(TimeSpan.FromSeconds(10)), "the gateway kept the publish");
        JsonObject? stream = null;
        await Poll.UntilAsync(async () =>
        {
            stream = await Json.ReadObjectAsync(await t.Http.GetAsync($"api/stream/{s["id"]}"));
            return stream!["issues"] is JsonArray issues && issues.Any(i => i!.GetValue<string>() == "Publish ended: FLV sound format 2 is not carried (only AAC)");
        }, 20, "the codec issue on the stream");
        Assert.False(stream!["isHealthy"]!.GetValue<bool>());
        // What was cut before the change is kept: the first segment played.
        Assert.True(stream["sourceSegments"]!.GetValue<long>() >= 1, stream.ToJsonString());
    }

    private static async Task<(int ExitCode, string Stderr)> Publish(string flv, string url)
    {
        var (code, _, error) = await Viewer.RunAsync("ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-i", flv, "-c", "copy", "-f", "flv", url);
        return (code, error);
    }

    private static async Task<string> EndedPlaylistAsync(HttpClient viewer, string url, Func<string> log)
    {
        var playlist = "";
        await Poll.UntilAsync(async () =>
        {
            using var response = await viewer.GetAsync(url);
            playlist = await response.Content.ReadAsStringAsync();
            return response.IsSuccessStatusCode && playlist.Contains("#EXT-X-ENDLIST", StringComparison.Ordinal);
        }, 30, $"the end of {url}\n{log()}");
        return playlist;
    }

    private static List<double> Durations(string playlist) =>
        [.. ExtInf().Matches(playlist).Select(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];

    private static List<string> SegmentNames(string playlist) =>
        [.. playlist.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('?')[0])];

    /// <summary>Stream facts, and every video packet's times and flags, as ffprobe reads them.</summary>
    private static async Task<string> ProbeAsync(string url)
    {
        var streams = await Viewer.RunAsync("ffprobe", "-v", "error",
            "-show_entries", "stream=codec_name,profile,width,height,pix_fmt,sample_rate,channels", "-of", "csv=p=0", url);
        Assert.True(streams.ExitCode == 0, streams.Stderr);
        var video = await Viewer.RunAsync("ffprobe", "-v", "error", "-select_streams", "v", "-show_entries", "packet=pts,dts,flags",
            "-of", "csv=p=0", url);
        Assert.True(video.ExitCode == 0, video.Stderr);
        Assert.Contains("K", video.Stdout, StringComparison.Ordinal);
        return streams.Stdout + video.Stdout;
    }

    [GeneratedRegex(@"#EXTINF:([0-9.]+),")]
    private static partial Regex ExtInf();

    [GeneratedRegex(@"#EXT-X-STREAM-INF:[^\n]*")]
    private static partial Regex StreamInf();

    [GeneratedRegex(@"BANDWIDTH=\d+,?")]
    private static partial Regex Bandwidth();
}
