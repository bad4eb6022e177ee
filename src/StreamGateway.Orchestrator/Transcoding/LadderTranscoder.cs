using Microsoft.Extensions.Options;
using StreamGateway.Media.Ffmpeg;
using StreamGateway.Media.Ts;

namespace StreamGateway.Orchestrator.Transcoding;

/// <summary>One encoded rendition and the pixels B will find when it decodes it.</summary>
public sealed record Rendition(LadderProfile Profile, string Path, long Pixels);

/// <summary>
/// Transcodes a source segment into every rendition with one ffmpeg process, then counts each output's pixels
/// (width × height × frames, read from the TS bytes by MpegTsVideo; the tests hold it to a full decode): go-B
/// decodes the renditions and drops an orchestrator whose reported pixels differ (livepeer-wire §5).
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
            result.Add(new Rendition(profile, output, MpegTsVideo.Read(await File.ReadAllBytesAsync(output, ct)).Pixels));
        }
        return result;
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
