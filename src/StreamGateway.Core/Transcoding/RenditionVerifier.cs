using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamGateway.Media.Ffmpeg;

namespace StreamGateway.Core.Transcoding;

/// <summary>
/// Deep checks (livepeer-protocol §6): each orchestrator's first segment of a stream session, then a random one in
/// <see cref="TranscodingOptions.DeepCheckEvery"/>, has every rendition compared with the source scaled to the
/// rendition's size (SSIM with ffmpeg). The source itself is the trusted reference, so no second encode is paid for.
/// </summary>
public sealed class RenditionVerifier(IConnectionMultiplexer redis, IOptions<TranscodingOptions> options)
{
    private static readonly TimeSpan StateTtl = TimeSpan.FromHours(2);

    /// <summary>Whether this segment of <paramref name="session"/> made by <paramref name="orchestratorId"/> gets a deep check.</summary>
    public async Task<bool> SampleAsync(Guid session, string orchestratorId)
    {
        var every = options.Value.DeepCheckEvery;
        if (every <= 0)
        {
            return false;
        }
        var key = $"sg:tx:{session:N}:checked";
        if (await redis.GetDatabase().SetAddAsync(key, orchestratorId))
        {
            await redis.GetDatabase().KeyExpireAsync(key, StateTtl);
            return true; // the first segment this orchestrator makes for this session
        }
        return Random.Shared.Next(every) == 0;
    }

    /// <summary>Bits per pixel and frame at and above which a rendition is held to the full <see cref="TranscodingOptions.MinSsim"/>.</summary>
    public const double FullMarkBitsPerPixel = 0.05;

    /// <summary>The lowest pass mark, for a rendition starved of bits: a different picture scores well under it (about 0.3).</summary>
    public const double LowestMark = 0.5;

    /// <summary>
    /// The SSIM a rendition must reach, fair to what was asked of it: the full <paramref name="minSsim"/> from
    /// <see cref="FullMarkBitsPerPixel"/> up (480p30 at about 615 kbps; the default ladder asks for twice that),
    /// falling in proportion to <see cref="LowestMark"/> as the bitrate asked for falls to nothing, since an honest
    /// encoder cannot keep detail it has no bits for. Pure.
    /// </summary>
    public static double PassMark(double minSsim, Rendition asked, int width, int height)
    {
        var fps = asked.Fps > 0 ? (double)asked.Fps / Math.Max(1, asked.FpsDen) : 30;
        var bitsPerPixel = asked.BitrateBps / Math.Max(1.0, (double)width * height * fps);
        var floor = Math.Min(minSsim, LowestMark);
        return bitsPerPixel >= FullMarkBitsPerPixel ? minSsim : floor + (minSsim - floor) * bitsPerPixel / FullMarkBitsPerPixel;
    }

    /// <summary>
    /// How closely each rendition shows the source's picture, and how many frames it decodes to
    /// (<see cref="FfmpegArguments.CompareWithSource"/>, one ffmpeg for the whole ladder), to be judged by
    /// <see cref="Judge"/> once the renditions' facts are known.
    /// </summary>
    public async Task<Similarity[]> MeasureAsync(string source, IReadOnlyList<string> renditions, CancellationToken ct)
    {
        var files = renditions.Select(_ => ScratchFiles.NewComparison()).ToList();
        try
        {
            await FfmpegProcess.RunAsync(options.Value.FfmpegPath,
                FfmpegArguments.CompareWithSource(source, [.. renditions.Zip(files).Select(x => (x.First, x.Second + ScratchFiles.StatsExtension, x.Second + ScratchFiles.FramesExtension))]),
                TimeSpan.FromSeconds(30), ct);
            return await Task.WhenAll(files.Select(async f => Similarity.Parse(await ReadIfAnyAsync(f + ScratchFiles.StatsExtension, ct)) with
            {
                Decoded = Similarity.CountDecoded(await ReadIfAnyAsync(f + ScratchFiles.FramesExtension, ct)),
            }));
        }
        finally
        {
            foreach (var f in files)
            {
                File.Delete(f + ScratchFiles.StatsExtension);
                File.Delete(f + ScratchFiles.FramesExtension);
            }
        }
    }

    private static async Task<string> ReadIfAnyAsync(string path, CancellationToken ct) => File.Exists(path) ? await File.ReadAllTextAsync(path, ct) : "";

    /// <returns>
    /// Null when every rendition decodes to the frames its stream holds and shows the source's picture well enough for
    /// what was asked of it, else what is wrong.
    /// </returns>
    public string? Judge(IReadOnlyList<Similarity> scores, IReadOnlyList<(Rendition Asked, string Path, RenditionFacts Facts)> renditions)
    {
        for (var i = 0; i < renditions.Count; i++)
        {
            var (asked, _, facts) = renditions[i];
            if (scores[i].Frames == 0)
            {
                return $"rendition {asked.Name} could not be compared with the source";
            }
            // The cheap checks counted the frames its stream holds; decoding must find every one of them.
            if (scores[i].Decoded >= 0 && scores[i].Decoded != facts.Frames)
            {
                return $"rendition {asked.Name} decodes to {scores[i].Decoded} frames where its stream holds {facts.Frames}";
            }
            var mark = PassMark(options.Value.MinSsim, asked, facts.Width, facts.Height);
            if (scores[i].Mean < mark)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"rendition {asked.Name} does not show the source's picture: SSIM {scores[i].Mean:0.000} against the source scaled to {facts.Width}x{facts.Height} (at least {mark:0.00} expected)");
            }
        }
        return null;
    }
}
