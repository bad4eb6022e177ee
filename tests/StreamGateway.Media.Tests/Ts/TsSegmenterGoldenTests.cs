using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using StreamGateway.Media.Ffmpeg;
using StreamGateway.Media.Flv;
using StreamGateway.Media.Ts;
using Xunit.Abstractions;

namespace StreamGateway.Media.Tests.Ts;

/// <summary>
/// Our segmenter against ffmpeg's (the arguments the live path runs today) on the same FLV: the same number of
/// segments, cut at the same pictures, with the same streams and, packet by packet, the same times as ffprobe reads
/// them; every segment decodes without a warning, every packet is a frame ffprobe can read, and the segments played
/// one after another are one continuous stream.
/// </summary>
public sealed class TsSegmenterGoldenTests(ITestOutputHelper log)
{
    private const double SegmentSeconds = 2;

    private static readonly string[] Video = ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30"];
    private static readonly string[] Audio = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"];

    public static TheoryData<string, string> Sources => new()
    {
        { "h264 with B-frames, aac", "v a -c:v libx264 -preset veryfast -profile:v high -bf 3 -g 60 -c:a aac -ac 2 -b:a 96k" },
        { "h264 without B-frames, aac", "v a -c:v libx264 -preset veryfast -profile:v main -bf 0 -g 60 -c:a aac -ac 2 -b:a 96k" },
        { "h264 1 s GOP, low-rate mono aac", "v a -c:v libx264 -preset veryfast -bf 2 -g 30 -c:a aac -b:a 32k" },
        { "video only with B-frames", "v -c:v libx264 -preset veryfast -profile:v high -bf 3 -g 60" },
        { "audio only", "a -c:a aac -ac 2 -b:a 128k" },
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task Segments_match_ffmpegs_segmenter(string name, string recipe)
    {
        var dir = Directory.CreateTempSubdirectory("sg-tsmux-").FullName;
        try
        {
            var flv = Path.Combine(dir, "source.flv");
            var parts = recipe.Split(' ');
            var inputs = parts.TakeWhile(p => p is "v" or "a").ToArray();
            var args = new List<string> { "-hide_banner", "-loglevel", "error", "-y" };
            if (inputs.Contains("v"))
            {
                args.AddRange(Video);
            }
            if (inputs.Contains("a"))
            {
                args.AddRange(Audio);
            }
            args.AddRange(["-t", "7", "-sc_threshold", "0"]);
            args.AddRange(parts.Skip(inputs.Length));
            args.AddRange(["-f", "flv", flv]);
            await FfmpegProcess.RunAsync("ffmpeg", args, TimeSpan.FromSeconds(120), CancellationToken.None);
            var bytes = await File.ReadAllBytesAsync(flv);
            var tags = FlvTags.Read(bytes);

            var theirs = await FfmpegSegmentsAsync(bytes, dir);
            var output = new MemorySegments();
            var clock = Stopwatch.StartNew();
            FlvTags.Feed(new TsSegmenter(new TsSegmenterOptions
            {
                HasVideo = inputs.Contains("v"),
                HasAudio = inputs.Contains("a"),
                SegmentSeconds = SegmentSeconds,
            }, output), tags);
            clock.Stop();
            var ours = new List<string>();
            for (var i = 0; i < output.Bytes.Count; i++)
            {
                ours.Add(Path.Combine(dir, $"sg-{i}.ts"));
                await File.WriteAllBytesAsync(ours[i], output.Bytes[i].WrittenMemory.ToArray());
            }
            log.WriteLine($"{name}: {tags.Count} tags, {bytes.Length} bytes of FLV into {output.Closed.Count} segments in " +
                          $"{clock.Elapsed.TotalMilliseconds:0.0} ms (observation, first run includes JIT)");

            // Both muxers add 1.4 s to every time. ffmpeg's copy also moves the input's start to 0, which for these
            // files (whose first tag has timestamp 0) moves nothing; the shift is asserted, not assumed.
            var startMs = (long)tags.Where(t => t.Type is FlvWriter.VideoTag or FlvWriter.AudioTag).Min(t => t.Timestamp);
            Assert.Equal(0, startMs);
            Assert.Equal(theirs.Count, output.Closed.Count);
            Assert.True(output.Closed.Count >= 3, $"{output.Closed.Count} segments");
            var audioApart = 0L;
            for (var i = 0; i < theirs.Count; i++)
            {
                var (file, start, end) = theirs[i];
                var segment = output.Closed[i];
                log.WriteLine(FormattableString.Invariant(
                    $"  {i}: ffmpeg {start:0.000}-{end:0.000}, ours {segment.Start - startMs / 1000.0:0.000}-{segment.End - startMs / 1000.0:0.000} ({segment.Bytes} vs {new FileInfo(file).Length} bytes)"));
                Assert.Equal(start, segment.Start - startMs / 1000.0, 3);

                var expected = await ProbeAsync(file);
                var actual = await ProbeAsync(ours[i]);
                Assert.Equal(expected.Streams.Keys.Order(), actual.Streams.Keys.Order());
                var frame = 0.0;
                foreach (var (type, stream) in expected.Streams)
                {
                    Assert.Equal(stream.Describe, actual.Streams[type].Describe);
                    var ourPackets = actual.Streams[type].Packets;
                    Assert.Equal(stream.Packets.Count, ourPackets.Count);
                    if (type == "video")
                    {
                        Assert.Equal(stream.Packets.Select(p => (p.Pts, p.Dts)), ourPackets.Select(p => (p.Pts - startMs * 90, p.Dts - startMs * 90)));
                    }
                    else
                    {
                        // Both re-time AAC from the sample count under the FLV's millisecond times, each in its own way; the
                        // same frames go in the same PES packets, so every time agrees to within the FLV's precision.
                        var apart = stream.Packets.Zip(ourPackets, (f, o) => Math.Abs(f.Pts - (o.Pts - startMs * 90))).Max();
                        audioApart = Math.Max(audioApart, apart);
                        Assert.InRange(apart, 0, 90);
                        Assert.All(ourPackets, p => Assert.Equal(p.Pts, p.Dts));
                    }
                    Assert.Equal(actual.Streams[type].Packets.Count, actual.Streams[type].ReadFrames);
                    frame = Math.Max(frame, stream.Packets.Max(p => p.Duration) / 90_000.0);
                }
                // The last segment's end is an estimate on both sides; every other end is the next segment's start.
                Assert.InRange(segment.End - startMs / 1000.0, end - frame - 0.001, end + frame + 0.001);
                Assert.InRange(actual.Duration, expected.Duration - frame - 0.001, expected.Duration + frame + 0.001);
                var warnings = await DecodeWarningsAsync(ours[i]);
                Assert.True(warnings.Length == 0, $"segment {i}: {warnings} (ffmpeg's own segment: {await DecodeWarningsAsync(file)})");
            }

            log.WriteLine($"  audio times at most {audioApart} ticks of 90 kHz from ffmpeg's");
            var whole = Path.Combine(dir, "sg-all.ts");
            await File.WriteAllBytesAsync(whole, output.Bytes.SelectMany(b => b.WrittenMemory.ToArray()).ToArray());
            var all = await DecodeWarningsAsync(whole);
            Assert.True(all.Length == 0, all);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<List<(string File, double Start, double End)>> FfmpegSegmentsAsync(byte[] flv, string dir)
    {
        await using var ffmpeg = FfmpegProcess.Start("ffmpeg", FfmpegArguments.LiveSegmenter(SegmentSeconds, Path.Combine(dir, "ff-%d.ts")), dir);
        var csv = ffmpeg.StandardOutput.ReadToEndAsync();
        await ffmpeg.StandardInput.WriteAsync(flv);
        Assert.Equal(0, await ffmpeg.FinishAsync(TimeSpan.FromSeconds(60)));
        return (await csv).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(','))
            .Select(p => (Path.Combine(dir, p[0]), double.Parse(p[1], CultureInfo.InvariantCulture), double.Parse(p[2], CultureInfo.InvariantCulture)))
            .ToList();
    }

    private static async Task<string> DecodeWarningsAsync(string file)
    {
        await using var ffmpeg = FfmpegProcess.Start("ffmpeg", ["-hide_banner", "-nostdin", "-v", "error", "-i", file, "-f", "null", "-"]);
        Assert.Equal(0, await ffmpeg.FinishAsync(TimeSpan.FromSeconds(60)));
        return ffmpeg.StderrTail.Trim();
    }

    private sealed record Packet(long Pts, long Dts, long Duration);

    private sealed record Track(string Describe, long ReadFrames, List<Packet> Packets);

    private sealed record Probe(double Duration, Dictionary<string, Track> Streams);

    private static async Task<Probe> ProbeAsync(string file)
    {
        var json = await FfmpegProcess.RunAsync("ffprobe",
            ["-v", "error", "-count_frames", "-show_format", "-show_streams", "-show_packets", "-of", "json", file],
            TimeSpan.FromSeconds(60), CancellationToken.None);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        string Text(JsonElement e, string property) => e.TryGetProperty(property, out var v) ? v.ToString() : "-";
        var types = new Dictionary<int, string>();
        var streams = new Dictionary<string, Track>();
        foreach (var s in root.GetProperty("streams").EnumerateArray())
        {
            var type = s.GetProperty("codec_type").GetString()!;
            types[s.GetProperty("index").GetInt32()] = type;
            var describe = string.Join(' ', new[] { "codec_name", "profile", "width", "height", "pix_fmt", "sample_rate", "channels", "channel_layout" }
                .Select(p => $"{p}={Text(s, p)}"));
            streams[type] = new Track(describe, long.Parse(Text(s, "nb_read_frames"), CultureInfo.InvariantCulture), []);
        }
        foreach (var p in root.GetProperty("packets").EnumerateArray())
        {
            streams[types[p.GetProperty("stream_index").GetInt32()]].Packets.Add(new Packet(
                p.GetProperty("pts").GetInt64(), p.GetProperty("dts").GetInt64(), p.TryGetProperty("duration", out var d) ? d.GetInt64() : 0));
        }
        var duration = double.Parse(root.GetProperty("format").GetProperty("duration").GetString()!, CultureInfo.InvariantCulture);
        return new Probe(duration, streams);
    }
}
