using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace StreamGateway.Orchestrator.Tls;

public static class OrchestratorEndpoint
{
    /// <summary>
    /// One TLS endpoint offering ALPN h2 and http/1.1 (or, with <see cref="OrchestratorOptions.Cleartext"/>, one cleartext
    /// port for h2c and HTTP/1.1): grpc-go ≥1.67 refuses a server that does not negotiate h2,
    /// while /segment and rendition downloads may come over either (livepeer-wire §6).
    /// </summary>
    public static IServiceCollection AddOrchestratorEndpoint(this IServiceCollection services)
    {
        services.AddOptions<KestrelServerOptions>()
            .Configure<IOptions<OrchestratorOptions>>((kestrel, orchestrator) =>
            {
                var options = orchestrator.Value;
                // No request needs more; POST /segment counts its own body against the same limit to answer 413 with a reason.
                kestrel.Limits.MaxRequestBodySize = options.MaxSegmentBytes;
                var certificate = options.Cleartext ? null : SelfSignedCertificate.Create(new Uri(options.ServiceUri).Host);
                if (options.Cleartext)
                {
                    ListenCleartext(kestrel, options);
                    return;
                }
                kestrel.Listen(IPAddress.Parse(options.ListenAddress), options.Port, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseHttps(certificate!);
                });
            });
        return services;
    }

    /// <summary>The socket the cleartext mode's HTTP/2 listener takes, in the work folder.</summary>
    public static string Http2Socket(OrchestratorOptions options) => Path.Combine(options.WorkDir, "h2c.sock");

    /// <summary>
    /// go-livepeer's cleartext mode (an <c>http://</c> service URI): gRPC as h2c and HTTP/1.1 on one port, told apart by
    /// <see cref="CleartextFront"/>; the HTTP/2 side listens on a Unix socket only this host relays to.
    /// </summary>
    private static void ListenCleartext(KestrelServerOptions kestrel, OrchestratorOptions options)
    {
        var socket = Http2Socket(options);
        Directory.CreateDirectory(options.WorkDir);
        File.Delete(socket); // left by a process that did not stop cleanly
        kestrel.ListenUnixSocket(socket, listen => listen.Protocols = HttpProtocols.Http2);
        var prefaceTimeout = kestrel.Limits.RequestHeadersTimeout;
        kestrel.Listen(IPAddress.Parse(options.ListenAddress), options.Port, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            listen.Use(next => new CleartextFront(next, socket, prefaceTimeout).OnConnectionAsync);
        });
    }
}
