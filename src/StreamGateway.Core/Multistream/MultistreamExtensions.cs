namespace StreamGateway.Core.Multistream;

public static class MultistreamExtensions
{
    /// <summary>Restreaming: the pushes of the streams ingested on this node, their status and webhooks.</summary>
    public static IServiceCollection AddMultistream(this IServiceCollection services) =>
        services.AddSingleton<Sessions.PushStatuses>().AddSingleton<MultistreamEvents>().AddHostedService<MultistreamPushes>();
}
