using System.Text.Json;
using Microsoft.Extensions.Options;
using StreamGateway.Media.Ffmpeg;

namespace StreamGateway.Orchestrator.Transcoding;

/// <summary>One encoded rendition and the pixels B will find when it decodes it.</summary>
public sealed record Rendition(LadderProfile Profile, string Path, long Pixels);

/// <summary>
/// Transcodes a source segment into every rendition with one ffmpeg process, then counts each output's decoded
/// pixels: go-B decodes the renditions and drops an orchestrator whose reported pixels differ (livepeer-wire §5).
/// </summary>
public sealed class LadderTranscoder(EncoderSelection encoder, IOptions<OrchestratorOptions> options)
{
    public async Task<IReadOnlyList<Rendition>> TranscodeAsync(
        string source, IReadOnlyList<(LadderProfile Profile, string Output)> renditions, TimeSpan timeout, CancellationToken ct)
    {
        foreach (var (_, output) in renditions)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        }
        await FfmpegProcess.RunAsync(options.Value.FfmpegPath, FfmpegArguments.Ladder(source, renditions, encoder.Encoder), timeout, ct);
        var result = new List<Rendition>(renditions.Count);
        foreach (var (profile, output) in renditions)
        {
            result.Add(new Rendition(profile, output, await CountPixelsAsync(output, timeout, ct)));
        }
        return result;
    }

    /// <summary>width × height × decoded frames of the first video stream.</summary>
    public async Task<long> CountPixelsAsync(string path, TimeSpan timeout, CancellationToken ct)
    {
        var json = await FfmpegProcess.RunAsync(options.Value.FfprobePath, FfmpegArguments.CountFrames(path), timeout, ct);
        return DecodedPixels.Parse(json);
    }
}

/// <summary>Reads <c>ffprobe -count_frames -show_entries stream=nb_read_frames,width,height</c> JSON. Pure.</summary>
public static class DecodedPixels
{
    public static long Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var streams = doc.RootElement.GetProperty("streams");
        if (streams.GetArrayLength() == 0)
        {
            throw new InvalidDataException("rendition has no video stream");
        }
        var stream = streams[0];
        var frames = stream.GetProperty("nb_read_frames") is { ValueKind: JsonValueKind.String } text
            ? long.Parse(text.GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            : stream.GetProperty("nb_read_frames").GetInt64();
        return stream.GetProperty("width").GetInt64() * stream.GetProperty("height").GetInt64() * frames;
    }
}

public static class TranscodingExtensions
{
    public static IServiceCollection AddTranscoding(this IServiceCollection services)
    {
        services.AddSingleton<EncoderSelection>();
        services.AddHostedService<EncoderProbe>();
        services.AddSingleton<LadderTranscoder>();
        return services;
    }
}
