using Microsoft.Extensions.Options;
using StreamGateway.Media.Ffmpeg;

namespace StreamGateway.Orchestrator.Transcoding;

/// <summary>
/// Runs the NVENC probe before the endpoint accepts work. ffmpeg lists h264_nvenc even where no usable GPU exists,
/// so only a real encode tells.
/// </summary>
internal sealed class EncoderProbe(EncoderSelection selection, IOptions<OrchestratorOptions> options, ILogger<EncoderProbe> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await FfmpegProcess.RunAsync(options.Value.FfmpegPath, FfmpegArguments.NvencProbe(), TimeSpan.FromSeconds(20), cancellationToken);
            selection.Encoder = H264Encoder.Nvenc;
        }
        catch (FfmpegException e)
        {
            logger.LogInformation("NVENC is not usable, transcoding with libx264: {Reason}", e.Message);
        }
        logger.LogInformation("H.264 encoder: {Encoder}", selection.Encoder);
        if (options.Value.Misbehave != Misbehaviour.None)
        {
            logger.LogWarning("Orchestrator:Misbehave is {Misbehave}: this node hands back bad work on purpose (test only)", options.Value.Misbehave);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
