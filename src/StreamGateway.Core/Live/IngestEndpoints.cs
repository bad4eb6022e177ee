using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Live;

/// <summary>One ingest point as Studio's <c>GET /api/ingest</c> lists it: the API base, the RTMP base an encoder pushes
/// <c>{ingest}/{streamKey}</c> to, and the HLS base (<c>{playback}/{playbackId}/index.m3u8</c>).</summary>
public sealed record IngestPoint(string Base, string Ingest, string Playback);

public static class IngestEndpoints
{
    /// <summary><c>GET /api/ingest</c>, keyless as in Studio: where encoders push and viewers play. The RTMP base is
    /// <see cref="IngestOptions.PublicRtmpUrl"/>, else the public host on the RTMP port.</summary>
    public static WebApplication MapIngestPoints(this WebApplication app)
    {
        app.MapGet("/api/ingest", (HttpContext http, IOptions<GatewayUrlOptions> urls, IOptions<IngestOptions> ingest) =>
        {
            var @base = urls.Value.BaseFor(http.Request);
            var rtmp = ingest.Value.PublicRtmpUrl?.TrimEnd('/') ?? $"rtmp://{new Uri(@base).Host}:{ingest.Value.RtmpPort}/live";
            return TypedResults.Ok(new[] { new IngestPoint(@base, rtmp, @base + "/hls") });
        }).WithTags("Streams").WithName("listIngestPoints").WithSummary("Where encoders push (RTMP base) and viewers play (HLS base); no key needed");
        return app;
    }
}
