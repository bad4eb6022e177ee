using StreamGateway.Api;
using StreamGateway.Core;
using StreamGateway.Core.Jobs;
using StreamGateway.Core.Health;
using StreamGateway.Core.Hls;
using StreamGateway.Core.Ingest;
using StreamGateway.Core.Playback;
using StreamGateway.Core.Transcoding;

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
builder.Services.AddAssets();
builder.Services.AddWebhooks();
builder.Services.AddLiveIngest(listen: builder.Configuration.GetValue("Ingest:Enabled", true));
builder.Services.AddTranscoding();
builder.AddGatewayHttp();

var app = builder.Build();
app.UseGatewayHttp();
app.MapGatewayHealth();
app.MapPlayback();
app.MapGatewayApi();
app.MapHls();
app.MapApiFallback();
app.UseGatewayJobs();
app.MapGatewayDocs();
await app.RunAsync();
return 0;
