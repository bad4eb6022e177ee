namespace StreamGateway.Orchestrator.Discovery;

public static class DiscoveryExtensions
{
    public static IServiceCollection AddDiscovery(this IServiceCollection services)
    {
        services.AddGrpc();
        services.AddSingleton<OrchestratorInfoFactory>();
        return services;
    }

    public static WebApplication MapDiscovery(this WebApplication app)
    {
        app.MapGrpcService<OrchestratorGrpcService>();
        return app;
    }
}
