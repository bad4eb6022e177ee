using System.Net;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Accounts;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class SignInPayload
{
    public string? Email { get; set; }
    public string? Password { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class NewProjectPayload
{
    public string? Name { get; set; }
}

public sealed record SessionTokenResource(string Token, string UserId, long ExpiresAt);

public sealed record UserResource(string Id, string Email, bool Admin, string? DefaultProjectId, long CreatedAt);

public sealed record ProjectResource(string Id, string Name, long CreatedAt)
{
    public static ProjectResource From(Project p) => new(p.Id.ToString(), p.Name, Epoch.Ms(p.CreatedAt));
}

/// <summary>
/// The signed-in user: <c>POST /api/user/token</c> signs in with email and password and answers a bearer token the
/// whole API takes (the dashboard's session), <c>DELETE /api/user/token</c> signs it out, <c>/api/user/me</c> and
/// <c>/api/project</c> list what the caller may switch between.
/// </summary>
public static class UserEndpoints
{
    private const int MaxEmail = 320;
    private const int MaxPassword = 1024;
    private const int MaxProjectName = 100;

    public static WebApplication MapSignIn(this WebApplication app)
    {
        app.MapPost("/api/user/token", SignInAsync).WithTags("Users").WithName("signIn").Accepts<SignInPayload>("application/json")
            .Produces<SessionTokenResource>(StatusCodes.Status201Created).Produces<ErrorBody>(StatusCodes.Status401Unauthorized)
            .Produces<ErrorBody>(StatusCodes.Status429TooManyRequests)
            .WithSummary("Signs in with email and password; the token answered acts as the user (Authorization: Bearer) until it expires or is signed out");
        return app;
    }

    public static RouteGroupBuilder MapUsers(this RouteGroupBuilder api)
    {
        api.MapDelete("/user/token", SignOutAsync).WithTags("Users").WithName("signOut")
            .WithSummary("Signs out the session whose token makes the request");
        api.MapGet("/user/me", MeAsync).WithTags("Users").WithName("getCurrentUser").Produces<UserResource>();
        var projects = api.MapGroup("/project").WithTags("Users");
        projects.MapGet("/", ProjectsAsync).WithName("listProjects").Produces<ProjectResource[]>();
        projects.MapPost("/", CreateProjectAsync).WithName("createProject").Accepts<NewProjectPayload>("application/json")
            .Produces<ProjectResource>(StatusCodes.Status201Created);
        return api;
    }

    private static async Task<IResult> SignInAsync(HttpContext http, UserSessions sessions, ApiRateLimits limits, CancellationToken ct)
    {
        var address = http.Connection.RemoteIpAddress ?? IPAddress.None;
        if (limits.FailuresExhausted(address) is not null)
        {
            return ApiError.TooManyRequests("too many failed sign-ins from this address; try again in a minute");
        }
        var body = await JsonBody.ReadAsync<SignInPayload>(http.Request, ct);
        if (!body.Ok)
        {
            return body.Error!;
        }
        var (email, password) = (body.Value!.Email?.Trim() ?? "", body.Value.Password ?? "");
        var errors = new List<string>();
        if (email.Length is 0 or > MaxEmail || !email.Contains('@'))
        {
            errors.Add($"email: must be an email address of at most {MaxEmail} characters");
        }
        if (password.Length is 0 or > MaxPassword)
        {
            errors.Add($"password: must be 1 to {MaxPassword} characters");
        }
        if (errors.Count > 0)
        {
            return ApiError.Unprocessable(errors);
        }
        var (signedIn, refusal) = await sessions.SignInAsync(email, password, ct);
        switch (refusal)
        {
            case SignInRefusal.TooManyFailures:
                return ApiError.TooManyRequests("too many failed sign-ins for this email; try again in a minute");
            case SignInRefusal.Busy:
                return ApiError.Status(StatusCodes.Status503ServiceUnavailable, "too many sign-ins at once; try again");
            case SignInRefusal.Wrong:
                limits.CountFailure(address);
                return ApiError.Unauthorized("invalid email or password");
        }
        var session = signedIn!.Session;
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created("/api/user/me", new SessionTokenResource(signedIn.Token, session.UserId.ToString(), Epoch.Ms(session.ExpiresAt)));
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, UserSessions sessions, ApiKeyAuthentication authentication, CancellationToken ct)
    {
        var caller = Caller.From(http);
        if (!caller.Session)
        {
            return ApiError.BadRequest("only a session token signs out; delete an API key with DELETE /api/api-token/{id}");
        }
        await sessions.SignOutAsync(caller.TokenId, ct);
        authentication.ForgetSession(caller.TokenId);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> MeAsync(HttpContext http, GatewayDbContext db, CancellationToken ct)
    {
        var caller = Caller.From(http);
        var user = await db.Users.AsNoTracking().FirstAsync(u => u.Id == caller.UserId, ct);
        return TypedResults.Ok(new UserResource(user.Id.ToString(), user.Email, user.IsAdmin, user.DefaultProjectId?.ToString(), Epoch.Ms(user.CreatedAt)));
    }

    private static async Task<IResult> ProjectsAsync(HttpContext http, GatewayDbContext db, CancellationToken ct)
    {
        var caller = Caller.From(http);
        var projects = await db.Projects.AsNoTracking().Where(p => p.UserId == caller.UserId).OrderBy(p => p.CreatedAt).ToListAsync(ct);
        return TypedResults.Ok(projects.Select(ProjectResource.From).ToArray());
    }

    private static async Task<IResult> CreateProjectAsync(HttpContext http, GatewayDbContext db, TimeProvider clock, IOptions<UserOptions> options,
        CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<NewProjectPayload>(http.Request, ct);
        if (!body.Ok)
        {
            return body.Error!;
        }
        var name = body.Value!.Name?.Trim() ?? "";
        if (name.Length is 0 or > MaxProjectName)
        {
            return ApiError.Unprocessable([$"name: must be 1 to {MaxProjectName} characters"]);
        }
        var caller = Caller.From(http);
        if (await db.Projects.CountAsync(p => p.UserId == caller.UserId, ct) >= options.Value.MaxProjectsPerUser)
        {
            return ApiError.Unprocessable([$"a user may hold at most {options.Value.MaxProjectsPerUser} projects"]);
        }
        var project = new Project { Id = Guid.CreateVersion7(), UserId = caller.UserId, Name = name, CreatedAt = clock.GetUtcNow() };
        db.Projects.Add(project);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/project/{project.Id}", ProjectResource.From(project));
    }
}
