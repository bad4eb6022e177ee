using Hangfire;
using Microsoft.Extensions.Options;
using StreamGateway.Network.Transport;

namespace StreamGateway.Core.Transcoding;

/// <summary>Hands live segments to the fan-out when orchestrators are configured; otherwise streams stay source-only.</summary>
public sealed class LiveTranscoding(IOptions<TranscodingOptions> options, IBackgroundJobClient jobs)
{
    public bool Enabled => options.Value.Enabled;

    public void Enqueue(LiveSegmentWork work)
    {
        if (Enabled && work.Renditions.Count > 0)
        {
            jobs.Enqueue<LiveTranscodeJob>(job => job.RunAsync(work, CancellationToken.None));
        }
    }
}

public static class TranscodingExtensions
{
    public static IServiceCollection AddTranscoding(this IServiceCollection services)
    {
        services.AddOptions<TranscodingOptions>().BindConfiguration(TranscodingOptions.Section).ValidateDataAnnotations()
            .Validate(o => Math.Abs(o.StakeWeight + o.RandomWeight + o.PriceWeight - 1) <= Network.Selection.SelectionWeights.SumTolerance,
                "Transcoding:StakeWeight + RandomWeight + PriceWeight must sum to 1")
            .Validate(o => string.IsNullOrEmpty(o.RpcUrl) == string.IsNullOrEmpty(o.Controller),
                "Transcoding:RpcUrl and Transcoding:Controller go together")
            .ValidateOnStart();
        services.AddSingleton<OrchestratorClient>();
        services.AddSingleton<OrchestratorDirectory>();
        services.AddHostedService(provider => provider.GetRequiredService<OrchestratorDirectory>());
        services.AddSingleton<StreamOrchestrators>();
        services.AddSingleton<LiveTranscoding>();
        services.AddTransient<LiveTranscodeJob>();
        return services;
    }
}
