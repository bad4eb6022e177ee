namespace StreamGateway.Orchestrator.Sessions;

/// <summary>
/// What a transcoding session holds from GetOrchestrator to EndTranscodingSession: its credentials, its capacity
/// slot and its renditions on disk. Discovery opens and ends sessions, Segments works within them; neither uses the other's.
/// </summary>
public static class SessionsExtensions
{
    public static IServiceCollection AddSessions(this IServiceCollection services)
    {
        services.AddSingleton<AuthTokens>();
        services.AddSingleton<SessionCapacity>();
        services.AddSingleton<RenditionStore>();
        services.AddHostedService<RenditionCleanup>();
        return services;
    }
}
