using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace StreamGateway.Core.Playback;

/// <summary>The built web pages (section <c>Web</c>): <c>web/dist</c>, made by <c>npm run build</c> in <c>web/</c>.</summary>
public sealed class WebOptions
{
    public const string Section = "Web";

    /// <summary>The folder holding the built pages (<c>play.html</c>) and their <c>assets/</c>; relative to the working directory.</summary>
    public string Root { get; set; } = "web/dist";
}

/// <summary>
/// The embeddable player: <c>/play/{playbackId}</c> answers the built page (Livepeer's player, which reads
/// <c>/api/playback/{id}</c> itself), with its scripts under <c>/web/assets/</c>. Meant for iframes on any site: no
/// frame restriction, and the page holds nothing but the player.
/// </summary>
public static class PlayerPages
{
    public static WebApplication MapPlayerPages(this WebApplication app)
    {
        var root = Path.GetFullPath(app.Services.GetRequiredService<IOptions<WebOptions>>().Value.Root);
        var assets = Path.Combine(root, "assets");
        if (Directory.Exists(assets))
        {
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = new PhysicalFileProvider(assets),
                RequestPath = "/web/assets",
                // Their names carry a hash of their content.
                OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "public, max-age=31536000, immutable",
            });
        }
        app.MapGet("/play/{playbackId}", (string playbackId, HttpContext http) =>
        {
            var page = Path.Combine(root, "play.html");
            if (!File.Exists(page))
            {
                return TypedResults.Text("the player page is not built: run `npm run build` in web/ (./dev up does)\n", "text/plain",
                    statusCode: StatusCodes.Status503ServiceUnavailable);
            }
            http.Response.Headers.CacheControl = "no-cache";
            return Results.File(page, "text/html; charset=utf-8");
        }).ExcludeFromDescription();
        return app;
    }
}
