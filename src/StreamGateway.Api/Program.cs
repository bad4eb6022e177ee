using StreamGateway.Api;
using StreamGateway.Core;
using StreamGateway.Core.AccessControl;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Assets;
using StreamGateway.Core.Economics;
using StreamGateway.Core.Health;
using StreamGateway.Core.Jobs;
using StreamGateway.Core.Live;
using StreamGateway.Core.Multistream;
using StreamGateway.Core.Playback;
using StreamGateway.Core.Sessions;
using StreamGateway.Core.Storage;
using StreamGateway.Core.Streams;
using StreamGateway.Core.Transcoding;
using StreamGateway.Core.Usage;
using StreamGateway.Core.Viewership;
using StreamGateway.Core.Webhooks;

// `migrate` and `admin ...` are operator commands that share the gateway's configuration; anything else runs the server.
if (args.Length > 0 && Commands.TryGet(args[0]) is { } command)
{
    return await command(args[1..]);
}

var builder = WebApplication.CreateBuilder(args);
// Kestrel carries on a connection's reads, writes and request code on the thread that completed its socket operation
// instead of queueing each step to one of its I/O queues: a thread hop fewer per step (HLS segments ~15 % more
// throughput on 2 cores, with less spread; BENCHMARKS.md). It is safe because request code awaits rather than blocks;
// `Kestrel:InlineScheduling=false` turns it off.
builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = builder.Configuration.GetValue("Kestrel:InlineScheduling", true));
var roles = NodeRoles.From(builder.Configuration);
builder.Services.AddSingleton(roles);
builder.Services.AddGatewayInfrastructure(builder.Configuration);
builder.Services.AddGatewayJobs(runServer: roles.Worker);
builder.Services.AddGatewayHealth();
builder.Services.AddGatewayMetrics();
builder.Services.AddStorage(builder.Configuration);
builder.Services.AddAccounts();
builder.Services.AddStreams();
builder.Services.AddAssets();
builder.Services.AddWebhooks();
builder.Services.AddUsage();
builder.Services.AddLive(listen: roles.Ingest);
builder.Services.AddTranscoding();
builder.Services.AddEconomics();
builder.Services.AddPlayback();
builder.Services.AddMultistream();
builder.Services.AddViewership();
builder.AddGatewayHttp();

var app = builder.Build();
app.Logger.LogInformation("Gateway node roles: {Roles}", roles);
app.UseGatewayHttp();
app.UseGatewayMetrics();
app.MapGatewayHealth();
app.UseWebhooks();
if (roles.Api)
{
    MapPublicSurface(app);
}
await app.RunAsync();
return 0;

// The REST API, uploads, playback and the job dashboard: what a node with the api role serves.
static void MapPublicSurface(WebApplication app)
{
    app.MapPlayback();
    app.MapWebPages();
    // The order below is the order of paths in the published openapi.yaml.
    var api = app.MapGatewayApi();
    api.MapStreams();
    api.MapWebhooks();
    api.MapApiTokens();
    api.MapUsers();
    api.MapSessions();
    api.MapOrchestrators();
    api.MapNetwork();
    api.MapNode();
    api.MapUsage();
    api.MapViewership();
    api.MapAssets();
    api.MapClips();
    api.MapTranscode();
    api.MapSigningKeys();
    api.MapMultistreamTargets();
    app.MapSignIn();
    app.MapIngestPoints();
    app.MapAssetUploads();
    app.MapViewerReports();
    app.MapApiPreflight();
    app.MapHls();
    app.MapApiFallback();
    app.UseGatewayJobs();
    app.MapGatewayDocs();
}
