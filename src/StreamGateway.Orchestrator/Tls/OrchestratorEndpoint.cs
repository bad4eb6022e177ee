using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace StreamGateway.Orchestrator.Tls;

public static class OrchestratorEndpoint
{
    /// <summary>
    /// One TLS endpoint offering ALPN h2 and http/1.1: grpc-go ≥1.67 refuses a server that does not negotiate h2,
    /// while /segment and rendition downloads may come over either (livepeer-wire §6).
    /// </summary>
    public static IServiceCollection AddOrchestratorEndpoint(this IServiceCollection services)
    {
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<OrchestratorOptions>>((kestrel, orchestrator) =>
            {
                var options = orchestrator.Value;
                var certificate = SelfSignedCertificate.Create(new Uri(options.ServiceUri).Host);
                // No request needs more; POST /segment counts its own body against the same limit to answer 413 with a reason.
                kestrel.Limits.MaxRequestBodySize = options.MaxSegmentBytes;
                kestrel.Listen(IPAddress.Parse(options.ListenAddress), options.Port, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseHttps(certificate);
                });
            });
        return services;
    }
}
