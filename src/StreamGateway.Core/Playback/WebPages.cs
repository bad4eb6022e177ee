using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace StreamGateway.Core.Playback;

/// <summary>The built web pages (section <c>Web</c>): <c>web/dist</c>, made by <c>npm run build</c> in <c>web/</c>.</summary>
public sealed class WebOptions
{
    public const string Section = "Web";

    /// <summary>The folder holding the built pages (<c>play.html</c>, <c>dashboard.html</c>) and their <c>assets/</c>; relative to the working directory.</summary>
    public string Root { get; set; } = "web/dist";
}

/// <summary>
/// The built web pages. The embeddable player: <c>/play/{playbackId}</c> answers its page (Livepeer's player, which
/// reads <c>/api/playback/{id}</c> itself), meant for iframes on any site: no frame restriction, nothing but the
/// player. The dashboard: <c>/dashboard</c> and every path under it answer the one page of the single-page app, which
/// calls the public API like any client; it may not be framed by another site. Scripts come from <c>/web/assets/</c>.
/// </summary>
public static class WebPages
{
    public static WebApplication MapWebPages(this WebApplication app)
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
        app.MapGet("/play/{playbackId}", (string playbackId, HttpContext http) => Page(http, root, "play.html")).ExcludeFromDescription();
        app.MapGet("/dashboard/{**path}", (HttpContext http) =>
        {
            var headers = http.Response.Headers;
            headers.XFrameOptions = "DENY";
            headers.ContentSecurityPolicy = "frame-ancestors 'none'";
            headers["Referrer-Policy"] = "same-origin";
            return Page(http, root, "dashboard.html");
        }).ExcludeFromDescription();
        return app;
    }

    private static IResult Page(HttpContext http, string root, string name)
    {
        var page = Path.Combine(root, name);
        if (!File.Exists(page))
        {
            return TypedResults.Text($"{name} is not built: run `npm run build` in web/ (./dev up does)\n", "text/plain",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        http.Response.Headers.CacheControl = "no-cache";
        return Results.File(page, "text/html; charset=utf-8");
    }
}
