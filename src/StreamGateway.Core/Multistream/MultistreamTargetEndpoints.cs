using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;
using StreamGateway.Core.Streams;

namespace StreamGateway.Core.Multistream;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class MultistreamTargetInput
{
    public string? Url { get; set; }
    public string? Name { get; set; }
    public bool? Disabled { get; set; }
}

/// <summary>
/// <c>/api/multistream/target</c> (studio-api §2.7): create 201, list, get, update 204, delete 204. The list needs no
/// <c>userId</c> parameter (Studio's server asks for one the SDK never sends). URLs are write-only.
/// </summary>
public static class MultistreamTargetEndpoints
{
    public static RouteGroupBuilder MapMultistreamTargets(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/multistream/target").WithTags("Multistream");
        group.MapPost("/", CreateAsync).WithName("createMultistreamTarget").Accepts<MultistreamTargetInput>("application/json")
            .Produces<MultistreamTargetResource>(StatusCodes.Status201Created);
        group.MapGet("/", ListAsync).WithName("getMultistreamTargets").Produces<MultistreamTargetResource[]>();
        group.MapGet("/{id}", GetAsync).WithName("getMultistreamTarget").Produces<MultistreamTargetResource>()
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        group.MapPatch("/{id}", UpdateAsync).WithName("updateMultistreamTarget").Accepts<MultistreamTargetInput>("application/json")
            .Produces(StatusCodes.Status204NoContent);
        group.MapDelete("/{id}", DeleteAsync).WithName("deleteMultistreamTarget").Produces(StatusCodes.Status204NoContent);
        return api;
    }

    private static IQueryable<MultistreamTarget> Visible(GatewayDbContext db, Caller caller) =>
        db.MultistreamTargets.Where(t => t.ProjectId == caller.ProjectId);

    private static async Task<MultistreamTarget?> FindAsync(GatewayDbContext db, HttpContext http, string id, CancellationToken ct) =>
        Guid.TryParse(id, out var targetId) ? await Visible(db, Caller.From(http)).FirstOrDefaultAsync(t => t.Id == targetId, ct) : null;

    private static async Task<IResult> CreateAsync(HttpContext http, GatewayDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<MultistreamTargetInput>(http.Request, ct);
        if (!body.Ok)
        {
            return body.Error!;
        }
        var input = body.Value!;
        if (MultistreamTargets.Check(input.Url, input.Name) is { Count: > 0 } errors)
        {
            return ApiError.Unprocessable(errors);
        }
        var target = MultistreamTargets.New(Caller.From(http), input.Url!, input.Name, input.Disabled ?? false, clock.GetUtcNow());
        db.MultistreamTargets.Add(target);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/multistream/target/{target.Id}", MultistreamTargetResource.From(target));
    }

    private static async Task<IResult> ListAsync(HttpContext http, GatewayDbContext db, CancellationToken ct)
    {
        if (!PageRequest.TryParse(http.Request, out var page, out var error))
        {
            return error!;
        }
        var rows = await Visible(db, Caller.From(http)).AsNoTracking().PageAsync(page, http, ct);
        return TypedResults.Ok(rows.Select(MultistreamTargetResource.From).ToArray());
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, GatewayDbContext db, CancellationToken ct) =>
        await FindAsync(db, http, id, ct) is { } target ? TypedResults.Ok(MultistreamTargetResource.From(target)) : ApiError.NotFound();

    private static async Task<IResult> UpdateAsync(string id, HttpContext http, GatewayDbContext db, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<MultistreamTargetInput>(http.Request, ct);
        if (!body.Ok)
        {
            return body.Error!;
        }
        var input = body.Value!;
        var errors = input.Url is null ? [] : MultistreamTargets.Check(input.Url, input.Name);
        if (input.Url is null && input.Name is { Length: > 500 })
        {
            errors.Add("name: must be at most 500 characters");
        }
        if (errors.Count > 0)
        {
            return ApiError.Unprocessable(errors);
        }
        if (await FindAsync(db, http, id, ct) is not { } target)
        {
            return ApiError.NotFound();
        }
        target.Url = input.Url ?? target.Url;
        target.Name = string.IsNullOrWhiteSpace(input.Name) ? target.Name : input.Name.Trim();
        target.Disabled = input.Disabled ?? target.Disabled;
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> DeleteAsync(string id, HttpContext http, GatewayDbContext db, CancellationToken ct)
    {
        if (await FindAsync(db, http, id, ct) is not { } target)
        {
            return ApiError.NotFound();
        }
        db.MultistreamTargets.Remove(target);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
