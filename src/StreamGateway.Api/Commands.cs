using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Data;

namespace StreamGateway.Api;

/// <summary>
/// Operator commands: <c>migrate</c> applies the EF Core migrations; <c>admin bootstrap</c> creates (or reuses) a user
/// and project and prints a new API key; <c>admin password</c> sets a user's dashboard password. They read the same configuration as the server.
/// </summary>
internal static class Commands
{
    public static Func<string[], Task<int>>? TryGet(string name) => name switch
    {
        "migrate" => MigrateAsync,
        "admin" => AdminAsync,
        _ => null,
    };

    private static ServiceProvider Services()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production"}.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddGatewayDatabase(configuration);
        services.AddScoped<AccountAdmin>();
        return services.BuildServiceProvider();
    }

    private static async Task<int> MigrateAsync(string[] args)
    {
        await using var services = Services();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GatewayDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
        await db.Database.MigrateAsync();
        await Console.Error.WriteLineAsync($"database is up to date ({pending.Count} migration(s) applied)");
        return 0;
    }

    private static async Task<int> AdminAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("bootstrap" or "password"))
        {
            await Console.Error.WriteLineAsync(
                "usage: admin bootstrap --email EMAIL [--project NAME] [--key-name NAME] [--admin]\n" +
                "  Creates the user and project if missing and prints a new API key on stdout.\n" +
                "usage: admin password --email EMAIL < password\n" +
                "  Sets the user's dashboard password to the first line of stdin (at least 8 characters).");
            return 2;
        }
        string? Option(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
        var email = Option("--email");
        if (string.IsNullOrWhiteSpace(email))
        {
            await Console.Error.WriteLineAsync("admin bootstrap: --email is required");
            return 2;
        }
        await using var services = Services();
        await using var scope = services.CreateAsyncScope();
        var admin = scope.ServiceProvider.GetRequiredService<AccountAdmin>();
        if (args[0] == "password")
        {
            var password = await Console.In.ReadLineAsync() ?? "";
            if (await admin.SetPasswordAsync(email, password, CancellationToken.None) is { } refusal)
            {
                await Console.Error.WriteLineAsync($"admin password: {refusal}");
                return 1;
            }
            await Console.Error.WriteLineAsync($"password set for {email}");
            return 0;
        }
        var issued = await admin.BootstrapAsync(email, Option("--project") ?? "default", Option("--key-name") ?? "admin-cli",
            args.Contains("--admin"), CancellationToken.None);
        Console.WriteLine(issued.Key);
        await Console.Error.WriteLineAsync($"user {issued.UserId} project {issued.ProjectId} key {issued.Token.Id}");
        return 0;
    }
}
