using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Accounts;

namespace StreamGateway.Tests.Integration;

/// <summary>Dashboard sign-in against the running gateway: the session token works as the user in each of its projects,
/// and sign-in refuses, bounds and forgets as it should.</summary>
public sealed class UserSignInTests
{
    private static Gateway Gw => Gateway.Instance;

    private static async Task<(Tenant Tenant, string Email, string Password)> UserWithPasswordAsync()
    {
        var tenant = await Gw.NewTenantAsync();
        await using var db = Gw.Db();
        var email = (await db.Users.FirstAsync(u => u.Id == tenant.UserId)).Email;
        var password = "pw-" + Guid.NewGuid().ToString("N");
        Assert.Null(await new AccountAdmin(db, TimeProvider.System).SetPasswordAsync(email, password, CancellationToken.None));
        return (tenant, email, password);
    }

    private static async Task<HttpResponseMessage> SignInAsync(string email, string password)
    {
        using var http = Gw.Client();
        return await http.PostAsJsonAsync("api/user/token", new { email, password });
    }

    private static async Task<string> TokenAsync(string email, string password)
    {
        using var response = await SignInAsync(email, password);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var body = (await Json.ReadObjectAsync(response))!;
        Assert.True((long)body["expiresAt"]! > DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds());
        var token = (string)body["token"]!;
        Assert.StartsWith(UserSessions.TokenPrefix, token, StringComparison.Ordinal);
        return token;
    }

    [Fact]
    public async Task A_signed_in_user_acts_in_each_of_its_projects_and_signing_out_ends_the_session()
    {
        var (tenant, email, password) = await UserWithPasswordAsync();
        var made = await tenant.CreateStreamAsync(new { name = "made with the key" });
        // The email is matched whatever its case.
        var token = await TokenAsync(email.ToUpperInvariant(), password);
        using var session = Gw.Client(token);

        var me = (await Json.ReadObjectAsync(await session.GetAsync("api/user/me")))!;
        Assert.Equal(email, (string)me["email"]!);
        Assert.False((bool)me["admin"]!);
        Assert.Equal(tenant.ProjectId.ToString(), (string)me["defaultProjectId"]!);
        // Without ?projectId= the default project: the stream the API key made is there.
        var streams = await Json.ReadArrayAsync(await session.GetAsync("api/stream"));
        Assert.Equal((string)made["id"]!, (string)streams.Single()!["id"]!);

        using var created = await session.PostAsJsonAsync("api/project", new { name = "second" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var second = (string)(await Json.ReadObjectAsync(created))!["id"]!;
        var projects = await Json.ReadArrayAsync(await session.GetAsync("api/project"));
        Assert.Equal([tenant.ProjectId.ToString(), second], projects.Select(p => (string)p!["id"]!));

        // In the second project: its own streams only, and what is made there is not the key's project's.
        Assert.Empty(await Json.ReadArrayAsync(await session.GetAsync($"api/stream?projectId={second}")));
        using (var there = await session.PostAsJsonAsync($"api/stream?projectId={second}", new { name = "in second" }))
        {
            Assert.Equal(HttpStatusCode.Created, there.StatusCode);
            Assert.Equal("dashboard", (string?)(await Json.ReadObjectAsync(there))!["createdByTokenName"]);
        }
        Assert.Single(await Json.ReadArrayAsync(await tenant.Http.GetAsync("api/stream")));
        // A key made in a session belongs to the session's project and works on its own.
        using (var key = await session.PostAsJsonAsync($"api/api-token?projectId={second}", new { name = "from the dashboard" }))
        {
            Assert.Equal(HttpStatusCode.Created, key.StatusCode);
            using var keyed = Gw.Client((string)(await Json.ReadObjectAsync(key))!["key"]!);
            Assert.Equal("in second", (string)(await Json.ReadArrayAsync(await keyed.GetAsync("api/stream"))).Single()!["name"]!);
        }

        // Another user's project, or no project id at all, is refused.
        var other = await Gw.NewTenantAsync();
        using (var refused = await session.GetAsync($"api/stream?projectId={other.ProjectId}"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Contains("no project", (await Json.ErrorsAsync(refused))[0], StringComparison.Ordinal);
        }
        using (var refused = await session.GetAsync("api/stream?projectId=not-a-guid"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        // An API key cannot "sign out".
        using (var keyOut = await tenant.Http.DeleteAsync("api/user/token"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, keyOut.StatusCode);
        }

        using (var signOut = await session.DeleteAsync("api/user/token"))
        {
            Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        }
        foreach (var path in new[] { "api/stream", $"api/stream?projectId={second}", "api/user/me" })
        {
            using var after = await session.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        }
        await using var db = Gw.Db();
        Assert.False(await db.UserSessions.AnyAsync(s => s.UserId == tenant.UserId));
    }

    [Fact]
    public async Task Wrong_unknown_suspended_and_expired_sign_ins_are_refused_alike_and_the_password_is_stored_hashed()
    {
        var (tenant, email, password) = await UserWithPasswordAsync();
        foreach (var (who, pw) in new[] { (email, password + "x"), ("nobody-" + Guid.NewGuid().ToString("N") + "@tests.local", password) })
        {
            using var wrong = await SignInAsync(who, pw);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.Equal(["invalid email or password"], await Json.ErrorsAsync(wrong));
        }
        await using var db = Gw.Db();
        var user = await db.Users.AsNoTracking().FirstAsync(u => u.Id == tenant.UserId);
        Assert.DoesNotContain(password, user.PasswordHash!, StringComparison.Ordinal);
        Assert.StartsWith("AQAAAA", user.PasswordHash!, StringComparison.Ordinal); // Identity's v3 format (PBKDF2, salted)

        // A session past its expiry is refused with the reason.
        var token = await TokenAsync(email, password);
        var hash = SecretKeys.Hash(token);
        await db.UserSessions.Where(s => s.TokenHash == hash).ExecuteUpdateAsync(s => s.SetProperty(x => x.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1)));
        using (var expired = await Gw.Client(token).GetAsync("api/user/me"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
            Assert.Contains("expired", (await Json.ErrorsAsync(expired))[0], StringComparison.Ordinal);
        }
        // A made-up session token is refused like a made-up key.
        using (var madeUp = await Gw.Client(UserSessions.TokenPrefix + new string('0', 64)).GetAsync("api/stream"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, madeUp.StatusCode);
        }

        await db.Users.Where(u => u.Id == tenant.UserId).ExecuteUpdateAsync(s => s.SetProperty(u => u.Suspended, true));
        using var suspended = await SignInAsync(email, password);
        Assert.Equal(HttpStatusCode.Unauthorized, suspended.StatusCode);
    }

    [Fact]
    public async Task Guessing_one_accounts_password_is_stopped_and_bad_payloads_get_clear_errors()
    {
        var (_, email, password) = await UserWithPasswordAsync();
        var refusedAt = -1;
        for (var i = 0; i < 15 && refusedAt < 0; i++)
        {
            using var guess = await SignInAsync(email, "guess-" + i);
            if (guess.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refusedAt = i;
                Assert.Contains("this email", (await Json.ErrorsAsync(guess))[0], StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal(HttpStatusCode.Unauthorized, guess.StatusCode);
            }
        }
        Assert.Equal(10, refusedAt); // Users:FailedSignInsPerEmailPerMinute
        // Even the right password waits out the minute: the guesser cannot tell it was right.
        using (var right = await SignInAsync(email, password))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        }

        using var http = Gw.Client();
        foreach (var (body, status, message) in new (string, HttpStatusCode, string)[]
        {
            ("{\"email\":\"a@b.c\"}", HttpStatusCode.UnprocessableEntity, "password"),
            ($"{{\"email\":\"a@b.c\",\"password\":\"{new string('x', 1025)}\"}}", HttpStatusCode.UnprocessableEntity, "password"),
            ("{\"email\":\"not an email\",\"password\":\"x\"}", HttpStatusCode.UnprocessableEntity, "email"),
            ("{\"email\":\"a@b.c\",\"password\":\"x\",\"admin\":true}", HttpStatusCode.UnprocessableEntity, "admin"),
            ("{\"email\":", HttpStatusCode.BadRequest, ""),
        })
        {
            using var response = await http.PostAsync("api/user/token", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(status, response.StatusCode);
            Assert.Contains(message, string.Join(' ', await Json.ErrorsAsync(response)), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_dashboard_page_answers_every_path_under_it_and_may_not_be_framed_by_another_site()
    {
        using var http = Gw.Client();
        foreach (var path in new[] { "dashboard", "dashboard/", "dashboard/streams/abc" })
        {
            using var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains("/web/assets/", html, StringComparison.Ordinal);
        }
    }
}
