using StreamGateway.Network.Wire;
using StreamGateway.Orchestrator.Sessions;

namespace StreamGateway.Orchestrator.Segments;

public static class SegmentsExtensions
{
    public static IServiceCollection AddSegments(this IServiceCollection services)
    {
        services.AddSingleton<ServeSegment>();
        return services;
    }

    public static WebApplication MapSegments(this WebApplication app)
    {
        app.MapPost(LivepeerHeaders.SegmentPath, (HttpContext http, ServeSegment serve) => serve.HandleAsync(http));
        app.MapGet("/stream/{sessionId}/{profile}/{seq:long}.ts", (string sessionId, string profile, long seq, RenditionStore renditions) =>
            renditions.Find(sessionId, profile, seq) is { } path
                ? Results.File(Path.GetFullPath(path), "video/mp2t")
                : Results.Text("404 page not found\n", LivepeerHeaders.ErrorContentType, statusCode: StatusCodes.Status404NotFound));
        return app;
    }
}
