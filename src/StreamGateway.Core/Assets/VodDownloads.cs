using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Storage;
using StreamGateway.Media.Ffmpeg;
using StreamGateway.Network.Transport;
using StreamGateway.Core.Transcoding;

namespace StreamGateway.Core.Assets;

/// <summary>
/// What an asset offers besides HLS: static MP4 renditions (<c>staticMp4</c>, the renditions' own chunks joined
/// without re-encoding, so they cost no second transcode) and thumbnails every <see cref="ThumbnailSeconds"/> with a
/// WebVTT index, as players show them on the seek bar.
/// </summary>
public sealed class VodDownloads(ISegmentStore store, IOptions<AssetOptions> options)
{
    public const int ThumbnailSeconds = 5;

    /// <summary>One MP4 per rendition, highest bitrate first; each is the rendition's chunks joined.</summary>
    public async Task<List<Mp4Download>> MakeMp4sAsync(Asset asset, IReadOnlyList<Rendition> ladder, IReadOnlyList<long> chunks,
        string work, CancellationToken ct)
    {
        var made = new List<Mp4Download>();
        foreach (var rendition in ladder.OrderByDescending(r => r.BitrateBps))
        {
            var dir = Path.Combine(work, "mp4-" + rendition.Name);
            Directory.CreateDirectory(dir);
            var files = new List<string>();
            foreach (var seq in chunks)
            {
                var local = Path.Combine(dir, $"{seq}.ts");
                if (!await store.DownloadAsync(MediaKeys.VodSegment(asset.PlaybackId, rendition.Name, seq), local, ct))
                {
                    throw new AssetFailedException($"rendition {rendition.Name} lost its segment {seq}");
                }
                files.Add(local);
            }
            var (mp4, output) = await JoinToMp4Async(rendition, files, dir, ct);
            await store.PutFileAsync(MediaKeys.Vod(asset.PlaybackId, mp4.Name), output, CancellationToken.None);
            made.Add(mp4);
        }
        return made;
    }

    /// <summary>
    /// A rendition's chunks (MPEG-TS files, in order) joined into <c>static{rendition}.mp4</c> in <paramref name="dir"/>
    /// without re-encoding, with the facts a download lists.
    /// </summary>
    public async Task<(Mp4Download Mp4, string Path)> JoinToMp4Async(Rendition rendition, IReadOnlyList<string> chunkFiles, string dir, CancellationToken ct)
    {
        var listFile = Path.Combine(dir, "list.txt");
        await File.WriteAllTextAsync(listFile, ConcatList(chunkFiles), ct);
        var name = $"static{rendition.Name}.mp4";
        var output = Path.Combine(dir, name);
        await FfmpegProcess.RunAsync(options.Value.FfmpegPath, FfmpegArguments.JoinToMp4(listFile, output), TimeSpan.FromMinutes(10), ct);
        var probe = MediaProbe.Parse(await FfmpegProcess.RunAsync(options.Value.FfprobePath, FfmpegArguments.ProbeStreams(output, ContainerFormats.Mp4),
            TimeSpan.FromMinutes(1), ct));
        var size = new FileInfo(output).Length;
        var bitrate = probe.Duration is > 0 ? (long)(size * 8 / probe.Duration.Value) : rendition.BitrateBps;
        return (new Mp4Download(name, probe.Width ?? rendition.Width, probe.Height ?? rendition.Height, bitrate, size), output);
    }

    /// <summary>An ffmpeg concat list naming each file in order.</summary>
    public static string ConcatList(IEnumerable<string> files)
    {
        var list = new StringBuilder();
        foreach (var file in files)
        {
            list.Append(CultureInfo.InvariantCulture, $"file '{file}'\n");
        }
        return list.ToString();
    }

    /// <summary>
    /// JPEG thumbnails every few seconds of the source and the WebVTT file that places them on the timeline. Only the
    /// keyframes are decoded (a picture per keyframe at least <see cref="ThumbnailSeconds"/> after the last, each cue
    /// running to the next picture), unless they give too few pictures (<see cref="TooFewPictures"/>), when every frame is.
    /// </summary>
    public async Task MakeThumbnailsAsync(Asset asset, string source, string format, double duration, string work, CancellationToken ct)
    {
        var dir = Path.Combine(work, "thumbnails");
        var times = Path.Combine(work, "thumbnail-times.txt");
        List<int> pictures = [];
        foreach (var keyframesOnly in new[] { true, false })
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
            Directory.CreateDirectory(dir);
            await FfmpegProcess.RunAsync(options.Value.FfmpegPath,
                FfmpegArguments.Thumbnails(source, format, ThumbnailSeconds, 180, Path.Combine(dir, "%d.jpg"), times, keyframesOnly), TimeSpan.FromMinutes(10), ct);
            pictures = [.. Directory.GetFiles(dir, "*.jpg").Select(f => int.Parse(Path.GetFileNameWithoutExtension(f), CultureInfo.InvariantCulture)).Order()];
            if (!TooFewPictures(pictures.Count, duration))
            {
                break;
            }
        }
        var starts = PictureTimes(File.Exists(times) ? await File.ReadAllTextAsync(times, ct) : "", pictures.Count);
        var vtt = new StringBuilder("WEBVTT\n");
        for (var i = 0; i < pictures.Count && starts[i] < duration; i++)
        {
            var n = pictures[i];
            var end = i + 1 < pictures.Count ? Math.Min(starts[i + 1], duration) : duration;
            vtt.Append(CultureInfo.InvariantCulture, $"\n{Cue(starts[i])} --> {Cue(end)}\n{n}.jpg\n");
            await store.PutFileAsync(MediaKeys.VodThumbnail(asset.PlaybackId, n), Path.Combine(dir, $"{n}.jpg"), CancellationToken.None);
        }
        var vttFile = Path.Combine(dir, "thumbnails.vtt");
        await File.WriteAllTextAsync(vttFile, vtt.ToString(), ct);
        await store.PutFileAsync(MediaKeys.VodThumbnailsVtt(asset.PlaybackId), vttFile, CancellationToken.None);
    }

    /// <summary>
    /// Whether keyframes gave too few pictures for the seek bar: none, or under a third of one per
    /// <see cref="ThumbnailSeconds"/> (a source whose keyframes are far apart, or that refreshes its picture without
    /// them). Every frame is decoded then. Pure.
    /// </summary>
    public static bool TooFewPictures(int pictures, double duration) =>
        pictures == 0 || pictures * 3 < Math.Ceiling(duration / ThumbnailSeconds);

    /// <summary>
    /// Where each of <paramref name="count"/> pictures starts on the playback timeline (the first at 0), from the
    /// <c>pts_time:</c> lines ffmpeg's metadata filter printed; every <see cref="ThumbnailSeconds"/> when those are
    /// missing or do not match the pictures. Pure.
    /// </summary>
    public static double[] PictureTimes(string printed, int count)
    {
        var times = printed.Split('\n').Select(l => l.IndexOf("pts_time:", StringComparison.Ordinal) is var at and >= 0 ? l[(at + 9)..].Trim() : null)
            .Where(t => t is not null)
            .Select(t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : double.NaN)
            .ToList();
        var ordered = times.Count == count && times.All(double.IsFinite) && times.Zip(times.Skip(1)).All(p => p.Second > p.First);
        return ordered
            ? [.. times.Select(t => Math.Max(0, t - times[0]))]
            : [.. Enumerable.Range(0, count).Select(i => (double)i * ThumbnailSeconds)];
    }

    private static string Cue(double seconds) => TimeSpan.FromSeconds(seconds).ToString(@"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture);
}
