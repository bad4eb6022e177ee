using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using StreamGateway.Core.Data;

namespace StreamGateway.Migrations;

/// <summary>Lets `dotnet ef migrations add` build the context without a running host or a database.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<GatewayDbContext>
{
    public GatewayDbContext CreateDbContext(string[] args)
    {
        var connection = Environment.GetEnvironmentVariable("ConnectionStrings__Postgres")
            ?? "Host=127.0.0.1;Database=streamgateway;Username=postgres";
        var builder = new DbContextOptionsBuilder<GatewayDbContext>();
        DatabaseExtensions.Configure(builder, connection);
        var options = builder.Options;
        return new GatewayDbContext(options);
    }
}
