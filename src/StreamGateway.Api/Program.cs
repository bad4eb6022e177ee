using StreamGateway.Api;
using StreamGateway.Core;
using StreamGateway.Core.Jobs;
using StreamGateway.Core.Health;

// `migrate` and `admin ...` are operator commands that share the gateway's configuration; anything else runs the server.
if (args.Length > 0 && Commands.TryGet(args[0]) is { } command)
{
    return await command(args[1..]);
}

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddGatewayInfrastructure(builder.Configuration);
builder.Services.AddGatewayJobs(runServer: builder.Configuration.GetValue("Gateway:RunJobs", true));
builder.Services.AddGatewayHealth();
builder.Services.AddAccounts();
builder.Services.AddStreams();
builder.Services.AddWebhooks();
builder.AddGatewayHttp();

var app = builder.Build();
app.UseGatewayHttp();
app.MapGatewayHealth();
app.MapGatewayApi();
app.MapApiFallback();
app.UseGatewayJobs();
app.MapGatewayDocs();
await app.RunAsync();
return 0;
