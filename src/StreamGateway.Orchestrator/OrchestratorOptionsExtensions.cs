using System.Net;
using System.Text;

namespace StreamGateway.Orchestrator;

public static class OrchestratorOptionsExtensions
{
    public static IServiceCollection AddOrchestratorOptions(this IServiceCollection services)
    {
        services.AddOptions<OrchestratorOptions>()
            .BindConfiguration(OrchestratorOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => IPAddress.TryParse(o.ListenAddress, out _), "Orchestrator:ListenAddress must be an IP address")
            .Validate(o => Uri.TryCreate(o.ServiceUri, UriKind.Absolute, out var uri) && uri.Scheme == (o.Cleartext ? Uri.UriSchemeHttp : Uri.UriSchemeHttps),
                "Orchestrator:ServiceUri must be an absolute https URI, or http with Orchestrator:Cleartext (the scheme says what the endpoint serves)")
            .Validate(o => !o.Cleartext || Encoding.UTF8.GetByteCount(Tls.OrchestratorEndpoint.Http2Socket(o)) < 100,
                "Orchestrator:WorkDir is too long for the cleartext mode's Unix socket (under 100 bytes)")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        return services;
    }
}
