using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.AccessControl;

/// <summary>studio-api §3.12; <see cref="PrivateKey"/> is present only in the answer that made the key.</summary>
public sealed record SigningKeyResource(string Id, string Name, string UserId, string ProjectId, long CreatedAt, string PublicKey, bool Disabled)
{
    public long? LastSeen { get; init; }
    public string? PrivateKey { get; init; }

    public static SigningKeyResource From(SigningKey k, string? privateKey = null) =>
        new(k.Id.ToString(), k.Name, k.UserId.ToString(), k.ProjectId.ToString(), Epoch.Ms(k.CreatedAt), k.PublicKey, k.Disabled)
        {
            LastSeen = Epoch.Ms(k.LastSeen),
            PrivateKey = privateKey,
        };
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class NewSigningKeyPayload
{
    [MaxLength(500)]
    public string? Name { get; set; }
    public string? ProjectId { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class SigningKeyPatchPayload
{
    public string? Name { get; set; }
    public bool? Disabled { get; set; }
}

/// <summary>
/// <c>/api/access-control/signing-key</c> (studio-api §2.8): a project's keys for signing viewer JWTs. Create answers
/// 200, not Studio's 201, because the SDK treats 201 as an error; update and delete answer 204.
/// </summary>
public static class SigningKeyEndpoints
{
    public static RouteGroupBuilder MapSigningKeys(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/access-control/signing-key").WithTags("Access control");
        // No Accepts(): it would make the route require a JSON content type, and the SDK sends no body at all.
        group.MapPost("/", CreateAsync).WithName("createSigningKey")
            .Produces<SigningKeyResource>().Produces<ErrorBody>(StatusCodes.Status403Forbidden);
        group.MapGet("/", ListAsync).WithName("getSigningKeys").Produces<SigningKeyResource[]>();
        group.MapGet("/{keyId}", GetAsync).WithName("getSigningKey").Produces<SigningKeyResource>()
            .Produces<ErrorBody>(StatusCodes.Status404NotFound);
        group.MapPatch("/{keyId}", UpdateAsync).WithName("updateSigningKey").Accepts<SigningKeyPatchPayload>("application/json")
            .Produces(StatusCodes.Status204NoContent).Produces<ErrorBody>(StatusCodes.Status404NotFound);
        group.MapDelete("/{keyId}", DeleteAsync).WithName("deleteSigningKey")
            .Produces(StatusCodes.Status204NoContent).Produces<ErrorBody>(StatusCodes.Status404NotFound);
        return api;
    }

    public static IServiceCollection AddAccessControl(this IServiceCollection services)
    {
        services.AddOptions<AccessControlOptions>().BindConfiguration(AccessControlOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services.AddSingleton<SigningKeys>().AddSingleton<ViewerTokens>().AddSingleton<PlaybackGrants>()
            .AddSingleton<AccessWebhooks>();
    }

    private static IQueryable<SigningKey> Visible(GatewayDbContext db, Caller caller) =>
        db.SigningKeys.Where(k => k.ProjectId == caller.ProjectId);

    private static async Task<IResult> CreateAsync(HttpContext http, GatewayDbContext db, TimeProvider clock,
        IOptions<AccessControlOptions> options, CancellationToken ct)
    {
        var caller = Caller.From(http);
        var payload = new NewSigningKeyPayload();
        // The SDK sends no body at all.
        if (http.Request.ContentLength > 0 || http.Request.Headers.TransferEncoding.Count > 0)
        {
            var body = await JsonBody.ReadAsync<NewSigningKeyPayload>(http.Request, ct);
            if (!body.Ok)
            {
                return body.Error!;
            }
            payload = body.Value!;
        }
        if (payload.ProjectId is not null && payload.ProjectId != caller.ProjectId.ToString())
        {
            return ApiError.Unprocessable(["projectId: must be the project of the API key making the request"]);
        }
        var count = await Visible(db, caller).CountAsync(ct);
        if (count >= options.Value.MaxSigningKeys)
        {
            return ApiError.Forbidden($"a project may have at most {options.Value.MaxSigningKeys} signing keys; delete one first");
        }
        using var pair = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = new SigningKey
        {
            Id = Guid.NewGuid(),
            UserId = caller.UserId,
            ProjectId = caller.ProjectId,
            Name = string.IsNullOrWhiteSpace(payload.Name) ? $"Signing Key {count + 1}" : payload.Name.Trim(),
            PublicKey = Convert.ToBase64String(Encoding.ASCII.GetBytes(pair.ExportSubjectPublicKeyInfoPem())),
            CreatedAt = clock.GetUtcNow(),
        };
        db.SigningKeys.Add(key);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(SigningKeyResource.From(key, Convert.ToBase64String(Encoding.ASCII.GetBytes(pair.ExportPkcs8PrivateKeyPem()))));
    }

    private static async Task<Ok<SigningKeyResource[]>> ListAsync(HttpContext http, GatewayDbContext db, CancellationToken ct)
    {
        var keys = await Visible(db, Caller.From(http)).OrderByDescending(k => k.CreatedAt).ToListAsync(ct);
        return TypedResults.Ok(keys.Select(k => SigningKeyResource.From(k)).ToArray());
    }

    private static async Task<SigningKey?> FindAsync(string keyId, HttpContext http, GatewayDbContext db, CancellationToken ct) =>
        Guid.TryParse(keyId, out var id) ? await Visible(db, Caller.From(http)).FirstOrDefaultAsync(k => k.Id == id, ct) : null;

    private static async Task<IResult> GetAsync(string keyId, HttpContext http, GatewayDbContext db, CancellationToken ct) =>
        await FindAsync(keyId, http, db, ct) is { } key ? TypedResults.Ok(SigningKeyResource.From(key)) : ApiError.NotFound();

    private static async Task<IResult> UpdateAsync(string keyId, HttpContext http, GatewayDbContext db, SigningKeys keys, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<SigningKeyPatchPayload>(http.Request, ct);
        if (!body.Ok)
        {
            return body.Error!;
        }
        var patch = body.Value!;
        if (patch.Name is { } name && (string.IsNullOrWhiteSpace(name) || name.Length > 500))
        {
            return ApiError.Unprocessable(["name: must be 1 to 500 characters"]);
        }
        if (await FindAsync(keyId, http, db, ct) is not { } key)
        {
            return ApiError.NotFound();
        }
        key.Name = patch.Name?.Trim() ?? key.Name;
        key.Disabled = patch.Disabled ?? key.Disabled;
        await db.SaveChangesAsync(ct);
        keys.Forget(key.ProjectId);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> DeleteAsync(string keyId, HttpContext http, GatewayDbContext db, SigningKeys keys, CancellationToken ct)
    {
        if (await FindAsync(keyId, http, db, ct) is not { } key)
        {
            return ApiError.NotFound();
        }
        db.SigningKeys.Remove(key);
        await db.SaveChangesAsync(ct);
        keys.Forget(key.ProjectId);
        return TypedResults.NoContent();
    }
}
