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
        services.AddDbContextPool<GatewayDbContext>(options => Configure(options, connectionString));
        return services;
    }

    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(MigrationsAssembly));
}
