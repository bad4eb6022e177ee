using System.ComponentModel.DataAnnotations;
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

    public static ApiTokenResource From(ApiToken t, string? key = null) =>
        new(t.Id.ToString(), t.Name, t.UserId.ToString(), t.ProjectId.ToString(), Epoch.Ms(t.CreatedAt), t.KeyPrefix)
        {
            LastSeen = Epoch.Ms(t.LastSeen),
            Key = key,
        };
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class NewApiTokenPayload
{
    [MaxLength(500)]
    public string? Name { get; set; }
    public string? ProjectId { get; set; }
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
        var (token, key) = AccountAdmin.NewToken(caller.UserId, caller.ProjectId, name, clock.GetUtcNow());
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
