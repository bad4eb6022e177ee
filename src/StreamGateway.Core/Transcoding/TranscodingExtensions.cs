using Microsoft.Extensions.Options;
using StreamGateway.Network.Transport;

namespace StreamGateway.Core.Transcoding;

public static class TranscodingExtensions
{
    /// <summary>The broadcaster side of the network: orchestrator selection and sessions, tickets, submission and verification.</summary>
    public static IServiceCollection AddTranscoding(this IServiceCollection services)
    {
        services.AddOptions<TranscodingOptions>().BindConfiguration(TranscodingOptions.Section).ValidateDataAnnotations()
            .Validate(o => Math.Abs(o.StakeWeight + o.RandomWeight + o.PriceWeight - 1) <= Network.Selection.SelectionWeights.SumTolerance,
                "Transcoding:StakeWeight + RandomWeight + PriceWeight must sum to 1")
            .Validate(o => string.IsNullOrEmpty(o.RpcUrl) == string.IsNullOrEmpty(o.Controller),
                "Transcoding:RpcUrl and Transcoding:Controller go together")
            .ValidateOnStart();
        services.AddSingleton(provider => NewOrchestratorClient(provider.GetRequiredService<IOptions<TranscodingOptions>>().Value.AllowPrivateOrchestrators));
        services.AddSingleton(provider => new BroadcasterIdentity(provider.GetRequiredService<IOptions<TranscodingOptions>>().Value.BroadcasterPrivateKey));
        services.AddSingleton<OrchestratorDirectory>();
        services.AddHostedService(provider => provider.GetRequiredService<OrchestratorDirectory>());
        services.AddSingleton<StreamOrchestrators>();
        services.AddSingleton<RenditionVerifier>();
        services.AddSingleton<VerificationEvidence>();
        services.AddSingleton<SegmentTranscoder>();
        services.AddSingleton<TicketSender>();
        services.AddHostedService<SenderFunding>();
        services.AddHostedService<ScratchFileSweep>();
        return services;
    }

    /// <summary>
    /// The client every orchestrator call goes through: each connection (GetOrchestrator, segment posts, rendition
    /// downloads) is checked by the address guard, so an orchestrator cannot point the gateway at its own network.
    /// </summary>
    public static OrchestratorClient NewOrchestratorClient(bool allowPrivate) =>
        new(Http.AddressGuard.ConnectCallback(allowPrivate, "connect to orchestrator"));
}
