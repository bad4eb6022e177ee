using System.Globalization;
using StreamGateway.Media.Ffmpeg;
using StreamGateway.Media.Ts;

namespace StreamGateway.Media.Tests.Ts;

/// <summary>
/// HEVC as Enhanced RTMP sends it ('hvc1' FourCC: a HEVCDecoderConfigurationRecord, then frames of length-prefixed NAL
/// units). The ffmpeg here (5.1) neither writes nor reads Enhanced FLV, so the tags are built from an x265 Annex B
/// stream, and the segments are judged by ffprobe and a full decode instead of against ffmpeg's segmenter.
/// </summary>
public sealed class HevcPassthroughTests
{
    [Fact]
    public async Task Hevc_from_enhanced_flv_tags_becomes_decodable_keyframe_aligned_segments()
    {
        var dir = Directory.CreateTempSubdirectory("sg-tshevc-").FullName;
        try
        {
            var es = Path.Combine(dir, "source.hevc");
            await FfmpegProcess.RunAsync("ffmpeg",
            [
                "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-t", "4.5",
                "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error:aud=1:bframes=0:keyint=30:min-keyint=30:scenecut=0",
                "-f", "hevc", es,
            ], TimeSpan.FromSeconds(120), CancellationToken.None);
            var units = AccessUnitsOf(await File.ReadAllBytesAsync(es));
            var sets = units.SelectMany(u => u).Where(n => Type(n) is 32 or 33 or 34).GroupBy(Type).Select(g => g.First()).ToList();
            Assert.Equal(3, sets.Count);

            var output = new MemorySegments();
            var segmenter = new TsSegmenter(new TsSegmenterOptions { HasAudio = false }, output);
            segmenter.WriteVideo(0, [0x90, .. "hvc1"u8, .. Record(sets)]);
            var frames = 0;
            foreach (var unit in units)
            {
                var nals = unit.Where(n => Type(n) is not (32 or 33 or 34 or 35)).ToList();
                var key = nals.Any(n => Type(n) is >= 16 and <= 21);
                // CodedFramesX (3): no composition time, as there are no B-frames.
                byte[] tag = [(byte)(0x80 | (key ? 0x10 : 0x20) | 3), .. "hvc1"u8, .. nals.SelectMany(LengthPrefixed)];
                segmenter.WriteVideo((uint)(frames++ * 100 / 3), tag);
            }
            segmenter.Complete();

            Assert.Equal(3, output.Closed.Count); // keyframes every second, cut at 2 s and 4 s
            Assert.Equal([0.0, 2.0, 4.0], output.Closed.Select(s => s.Start));
            var total = 0;
            for (var i = 0; i < output.Bytes.Count; i++)
            {
                var file = Path.Combine(dir, $"sg-{i}.ts");
                await File.WriteAllBytesAsync(file, output.Bytes[i].WrittenMemory.ToArray());
                var stream = await FfmpegProcess.RunAsync("ffprobe",
                    ["-v", "error", "-count_frames", "-select_streams", "v", "-show_entries", "stream=codec_name,width,height,nb_read_frames",
                     "-of", "csv=p=0", file], TimeSpan.FromSeconds(60), CancellationToken.None);
                var packets = (await FfmpegProcess.RunAsync("ffprobe",
                        ["-v", "error", "-select_streams", "v", "-show_entries", "packet=pts", "-of", "csv=p=0", file],
                        TimeSpan.FromSeconds(60), CancellationToken.None))
                    .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(line => long.Parse(line.TrimEnd(','), CultureInfo.InvariantCulture)).ToList();
                // ffprobe prints the stream twice: in its program and on its own.
                Assert.All(stream.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    line => Assert.Equal($"hevc,320,240,{packets.Count}", line));
                Assert.Equal(Enumerable.Range(total, packets.Count).Select(f => 126_000 + f * 100 / 3 * 90L), packets);
                total += packets.Count;
                await using var ffmpeg = FfmpegProcess.Start("ffmpeg", ["-hide_banner", "-nostdin", "-v", "error", "-i", file, "-f", "null", "-"]);
                Assert.Equal(0, await ffmpeg.FinishAsync(TimeSpan.FromSeconds(60)));
                Assert.Equal("", ffmpeg.StderrTail.Trim());
            }
            Assert.Equal(units.Count, total);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static int Type(byte[] nal) => (nal[0] >> 1) & 0x3F;

    private static byte[] LengthPrefixed(byte[] nal) =>
        [(byte)(nal.Length >> 24), (byte)(nal.Length >> 16), (byte)(nal.Length >> 8), (byte)nal.Length, .. nal];

    /// <summary>
    /// A HEVCDecoderConfigurationRecord whose profile and format bytes are left 0 (copying the stream needs none of
    /// them): version 1, lengthSizeMinusOne 3, then one array per parameter set.
    /// </summary>
    private static byte[] Record(List<byte[]> sets)
    {
        var record = new List<byte> { 1 };
        record.AddRange(new byte[20]);
        record.Add(0x0F);
        record.Add((byte)sets.Count);
        foreach (var set in sets)
        {
            record.AddRange([(byte)(0x80 | Type(set)), 0, 1, (byte)(set.Length >> 8), (byte)set.Length]);
            record.AddRange(set);
        }
        return [.. record];
    }

    /// <summary>Annex B NAL units grouped into access units, each starting at an access unit delimiter.</summary>
    private static List<List<byte[]>> AccessUnitsOf(byte[] stream)
    {
        var starts = new List<int>();
        for (var i = 0; i + 3 <= stream.Length; i++)
        {
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1)
            {
                starts.Add(i + 3);
            }
        }
        var units = new List<List<byte[]>>();
        for (var k = 0; k < starts.Count; k++)
        {
            var end = k + 1 < starts.Count ? starts[k + 1] - 3 : stream.Length;
            while (end > starts[k] && stream[end - 1] == 0)
            {
                end--;
            }
            var nal = stream[starts[k]..end];
            if (Type(nal) == 35 || units.Count == 0)
            {
                units.Add([]);
            }
            units[^1].Add(nal);
        }
        return units;
    }
}
