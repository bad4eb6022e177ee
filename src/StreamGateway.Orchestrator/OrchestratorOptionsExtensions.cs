using System.Net;

namespace StreamGateway.Orchestrator;

public static class OrchestratorOptionsExtensions
{
    public static IServiceCollection AddOrchestratorOptions(this IServiceCollection services)
    {
        services.AddOptions<OrchestratorOptions>()
            .BindConfiguration(OrchestratorOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => IPAddress.TryParse(o.ListenAddress, out _), "Orchestrator:ListenAddress must be an IP address")
            .Validate(o => Uri.TryCreate(o.ServiceUri, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps,
                "Orchestrator:ServiceUri must be an absolute https URI (the endpoint always serves TLS)")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        return services;
    }
}
