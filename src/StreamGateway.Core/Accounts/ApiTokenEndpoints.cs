using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Accounts;

public sealed record ApiTokenResource(
    string Id, string Name, string UserId, string ProjectId, long CreatedAt, string KeyPrefix)
{
    public long? LastSeen { get; init; }
    /// <summary>The clear key, present only in the response that created it.</summary>
    public string? Key { get; init; }
    public ApiKeyAccess? Access { get; init; }

    public static ApiTokenResource From(ApiToken t, string? key = null) =>
        new(t.Id.ToString(), t.Name, t.UserId.ToString(), t.ProjectId.ToString(), Epoch.Ms(t.CreatedAt), t.KeyPrefix)
        {
            LastSeen = Epoch.Ms(t.LastSeen),
            Key = key,
            Access = t.Access is null ? null : JsonSerializer.Deserialize<ApiKeyAccess>(t.Access, GatewayJson.Options),
        };
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class NewApiTokenPayload
{
    [MaxLength(500)]
    public string? Name { get; set; }
    public string? ProjectId { get; set; }
    public ApiKeyAccess? Access { get; set; }
}

/// <summary><c>/api/api-token</c>: a key's user manages the keys of the key's project.</summary>
public static class ApiTokenEndpoints
{
    public static RouteGroupBuilder MapApiTokens(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/api-token").WithTags("API keys");
        group.MapGet("/", ListAsync).WithName("listApiTokens");
        group.MapGet("/{id}", GetAsync).WithName("getApiToken");
        group.MapPost("/", CreateAsync).WithName("createApiToken").Accepts<NewApiTokenPayload>("application/json")
            .Produces<ApiTokenResource>(StatusCodes.Status201Created);
        group.MapDelete("/{id}", DeleteAsync).WithName("deleteApiToken");
        return api;
    }

    /// <summary>
    /// Browsers' preflights for <c>/api</c> are always answered (they carry no key); what a CORS-enabled key may do from
    /// which origin is decided on the request itself (<see cref="RequireApiKey"/>).
    /// </summary>
    public static WebApplication MapApiPreflight(this WebApplication app)
    {
        app.MapMethods("/api/{**path}", ["OPTIONS"], (HttpContext http) =>
        {
            var headers = http.Response.Headers;
            var origin = http.Request.Headers.Origin.ToString();
            headers.AccessControlAllowOrigin = origin.Length > 0 ? origin : "*";
            headers.Vary = "Origin";
            headers.AccessControlAllowMethods = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
            headers.AccessControlAllowHeaders = "Authorization, Content-Type";
            headers.AccessControlMaxAge = "600";
            return TypedResults.NoContent();
        }).ExcludeFromDescription();
        return app;
    }

    private static IQueryable<ApiToken> Visible(GatewayDbContext db, Caller caller) =>
        db.ApiTokens.Where(t => t.UserId == caller.UserId && t.ProjectId == caller.ProjectId);

    private static async Task<Ok<ApiTokenResource[]>> ListAsync(HttpContext http, GatewayDbContext db, CancellationToken ct)
    {
        var tokens = await Visible(db, Caller.From(http)).OrderByDescending(t => t.CreatedAt).ToListAsync(ct);
        return TypedResults.Ok(tokens.Select(t => ApiTokenResource.From(t)).ToArray());
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, GatewayDbContext db, CancellationToken ct)
    {
        var token = Guid.TryParse(id, out var tokenId)
            ? await Visible(db, Caller.From(http)).FirstOrDefaultAsync(t => t.Id == tokenId, ct)
            : null;
        return token is null ? ApiError.NotFound() : TypedResults.Ok(ApiTokenResource.From(token));
    }

    private static async Task<IResult> CreateAsync(HttpContext http, GatewayDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<NewApiTokenPayload>(http.Request, ct);
        if (!body.Ok)
        {
            return body.Error!;
        }
        var caller = Caller.From(http);
        var payload = body.Value!;
        if (payload.ProjectId is not null && payload.ProjectId != caller.ProjectId.ToString())
        {
            return ApiError.Unprocessable(["projectId: must be the project of the API key making the request"]);
        }
        var name = string.IsNullOrWhiteSpace(payload.Name) ? "api key" : payload.Name.Trim();
        if (name.Length > 500)
        {
            return ApiError.Unprocessable(["name: must be at most 500 characters"]);
        }
        if (payload.Access is { } access && CorsKeyRules.Check(access).ToList() is { Count: > 0 } errors)
        {
            return ApiError.Unprocessable(errors);
        }
        var (token, key) = AccountAdmin.NewToken(caller.UserId, caller.ProjectId, name, clock.GetUtcNow());
        token.Access = payload.Access?.Cors is null ? null : JsonSerializer.Serialize(payload.Access, GatewayJson.Options);
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/api-token/{token.Id}", ApiTokenResource.From(token, key));
    }

    private static async Task<IResult> DeleteAsync(
        string id, HttpContext http, GatewayDbContext db, ApiKeyAuthentication authentication, CancellationToken ct)
    {
        var token = Guid.TryParse(id, out var tokenId)
            ? await Visible(db, Caller.From(http)).FirstOrDefaultAsync(t => t.Id == tokenId, ct)
            : null;
        if (token is null)
        {
            return ApiError.NotFound();
        }
        db.ApiTokens.Remove(token);
        await db.SaveChangesAsync(ct);
        authentication.Forget(token.KeyHash);
        return TypedResults.NoContent();
    }
}
