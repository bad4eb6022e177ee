using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.OpenApi;
using StreamGateway.Core.Http;

namespace StreamGateway.Api;

/// <summary>HTTP plumbing of the host: JSON settings, errors that never leak a stack trace, OpenAPI and docs.</summary>
internal static class GatewayHttp
{
    public static WebApplicationBuilder AddGatewayHttp(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(o => GatewayJson.Configure(o.SerializerOptions));
        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "StreamGateway API",
                    Version = "v1",
                    Description = "Livepeer Studio-compatible REST API for live streams and webhooks. " +
                                  "Authenticate with `Authorization: Bearer <API key>`.",
                };
                // The published contract must not depend on the host and port that served it.
                document.Servers = [new OpenApiServer { Url = "/" }];
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
                {
                    ["apiKey"] = new OpenApiSecurityScheme
                    {
                        Type = SecuritySchemeType.Http,
                        Scheme = "bearer",
                        Description = "An API key of the project, as issued by `admin bootstrap` or POST /api/api-token.",
                    },
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("apiKey", document)] = [] }];
                return Task.CompletedTask;
            });
        });
        return builder;
    }

    public static WebApplication UseGatewayHttp(this WebApplication app)
    {
        var proxies = app.Configuration.GetSection(GatewayUrlOptions.Section).Get<GatewayUrlOptions>()?.TrustedProxies ?? [];
        if (proxies.Count > 0)
        {
            var forwarded = new ForwardedHeadersOptions
            {
                ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
                ForwardLimit = 1,
            };
            // Only the proxies named: the framework's default trusts loopback, which would let any local client
            // claim to be someone else.
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            foreach (var proxy in proxies)
            {
                forwarded.KnownProxies.Add(IPAddress.TryParse(proxy, out var address) ? address
                    : throw new InvalidOperationException($"Gateway:TrustedProxies: '{proxy}' is not an IP address"));
            }
            app.UseForwardedHeaders(forwarded);
        }
        app.UseExceptionHandler(errors => errors.Run(async http =>
        {
            var error = http.Features.Get<IExceptionHandlerFeature>()?.Error;
            var (status, message) = error switch
            {
                BadHttpRequestException bad => (bad.StatusCode, bad.Message),
                JsonException => (StatusCodes.Status400BadRequest, "malformed JSON body"),
                _ => (StatusCodes.Status500InternalServerError, "Internal server error"),
            };
            await ApiError.WriteAsync(http, status, message);
        }));
        return app;
    }

    /// <summary>Unknown paths under /api answer Studio's 404 JSON rather than an empty body.</summary>
    public static WebApplication MapApiFallback(this WebApplication app)
    {
        app.MapFallback("/api/{**path}", () => ApiError.NotFound()).ExcludeFromDescription();
        return app;
    }

    public static WebApplication MapGatewayDocs(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapOpenApi("/openapi/{documentName}.yaml");
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "docs";
            o.SwaggerEndpoint("/openapi/v1.json", "StreamGateway API v1");
            o.DocumentTitle = "StreamGateway API";
        });
        return app;
    }
}
