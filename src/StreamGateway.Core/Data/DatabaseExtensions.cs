using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace StreamGateway.Core.Data;

public static class DatabaseExtensions
{
    /// <summary>The assembly that holds the EF Core migrations (see migrations/).</summary>
    public const string MigrationsAssembly = "StreamGateway.Migrations";

    public static IServiceCollection AddGatewayDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("Postgres")
            ?? throw new InvalidOperationException("ConnectionStrings:Postgres is not configured.");
        // Interceptors other parts register (the stream read cache's write notices) join every context.
        services.AddDbContextPool<GatewayDbContext>((provider, options) =>
            Configure(options, connectionString).AddInterceptors(provider.GetServices<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>()));
        services.AddSingleton<SharedSecrets>();
        return services;
    }

    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(WithDefaults(connectionString), npgsql => npgsql.MigrationsAssembly(MigrationsAssembly));

    /// <summary>
    /// Server-side prepared statements for the hot queries unless the operator chose otherwise: it halves the
    /// cost of an authenticated single-row read (see BENCHMARKS.md).
    /// </summary>
    public static string WithDefaults(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 64;
        }
        return builder.ConnectionString;
    }
}
