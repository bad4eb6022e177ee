using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamGateway.Core.Data;
using StreamGateway.Core.Jobs;

namespace StreamGateway.Core.Assets;

/// <summary>
/// Fetches the file of an asset created from a URL (<c>POST /asset/upload/url</c>, queue <c>vod</c>): http(s) only,
/// never from private or loopback addresses unless <see cref="AssetOptions.AllowPrivateUrls"/> (checked on every
/// connection, redirects included), at most <see cref="AssetOptions.MaxUploadBytes"/> and
/// <see cref="AssetOptions.ImportTimeoutSeconds"/>. Then the file is processed like an upload. A project fetches at
/// most <see cref="AssetOptions.MaxConcurrentImportsPerProject"/> files at once and a node
/// <see cref="AssetOptions.MaxConcurrentImportsPerNode"/>; an import beyond either waits, scheduled again shortly.
/// </summary>
public sealed class ImportAsset(
    GatewayDbContext db,
    AssetStorage storage,
    AssetEvents events,
    IHttpClientFactory http,
    IBackgroundJobClient jobs,
    JobSlots slots,
    IConnectionMultiplexer redis,
    IServiceScopeFactory scopes,
    IOptions<AssetOptions> options,
    TimeProvider clock,
    ILogger<ImportAsset> logger)
{
    public const string HttpClientName = "asset-import";

    [Queue("vod")]
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(Guid assetId, CancellationToken ct)
    {
        var asset = await FindAsync(assetId, ct);
        if (asset is null)
        {
            return;
        }
        var o = options.Value;
        // One job per asset (the watchdog queues a lost import again); the lease also shows the watchdog that a slow
        // import is alive.
        await using (var lease = await AssetLease.TryTakeAsync(redis, scopes, assetId, TimeSpan.FromSeconds(Math.Max(3, o.StuckSeconds / 2.0)), clock))
        {
            if (lease is null)
            {
                return;
            }
            await db.Entry(asset).ReloadAsync(ct); // the job that held the lease may have fetched it since the read above
            if (!StillWaiting(asset))
            {
                return;
            }
            await using var slot = await slots.TryTakeAsync(o.ImportSlots(), asset.ProjectId);
            if (slot is null)
            {
                await WaitForSlotAsync(asset, ct);
                return;
            }
            if (!await ImportAsync(asset, ct))
            {
                return;
            }
        }
        // Queued once the lease is given back, so that processing can take it.
        jobs.Enqueue<ProcessAsset>(job => job.RunAsync(assetId, CancellationToken.None));
    }

    /// <summary>The asset, while it still waits for its file from a URL.</summary>
    private async Task<Asset?> FindAsync(Guid assetId, CancellationToken ct)
    {
        var asset = await db.Assets.FirstOrDefaultAsync(a => a.Id == assetId, ct);
        return asset is not null && StillWaiting(asset) ? asset : null;
    }

    private static bool StillWaiting(Asset asset) => asset is { DeletedAt: null, Phase: AssetPhase.Waiting, SourceUrl: not null, Size: null };

    /// <summary>
    /// The project (or this node) already fetches as many files as it may: this import runs again shortly. The asset
    /// is touched, so the watchdog sees it waiting, not lost.
    /// </summary>
    private async Task WaitForSlotAsync(Asset asset, CancellationToken ct)
    {
        asset.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        var delay = slots.BusyDelay();
        var assetId = asset.Id;
        jobs.Schedule<ImportAsset>(job => job.RunAsync(assetId, CancellationToken.None), delay);
        logger.LogDebug("Import of asset {Asset} waits {Delay}: its project or this node fetches as many files as it may", assetId, delay);
    }

    /// <returns>Whether the file was fetched and stored; a failure ends the asset with its reason.</returns>
    private async Task<bool> ImportAsync(Asset asset, CancellationToken ct)
    {
        var work = storage.WorkDir(asset.Id);
        Directory.CreateDirectory(work);
        var file = Path.Combine(work, "import.part");
        try
        {
            var size = await FetchAsync(http.CreateClient(HttpClientName), new Uri(asset.SourceUrl!), file, options.Value, ct);
            await storage.PutSourceAsync(asset.Id, file);
            asset.Size = size;
            asset.UpdatedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (AssetFailedException e)
        {
            logger.LogWarning("Import of asset {Asset} from {Url} failed: {Error}", asset.Id, asset.SourceUrl, e.Message);
            File.Delete(file);
            var task = await db.Tasks.FirstOrDefaultAsync(t => t.OutputAssetId == asset.Id && t.Type == "upload", ct);
            await events.FailAsync(db, asset, task, e.Message, clock.GetUtcNow(), ct);
            return false;
        }
    }

    /// <summary>
    /// The file at <paramref name="url"/> into <paramref name="file"/>, within <see cref="AssetOptions.MaxUploadBytes"/>
    /// and <see cref="AssetOptions.ImportTimeoutSeconds"/>; any failure is an <see cref="AssetFailedException"/> that
    /// names the host and the reason.
    /// </summary>
    internal static async Task<long> FetchAsync(HttpClient client, Uri url, string file, AssetOptions o, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(o.ImportTimeoutSeconds));
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, limit.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new AssetFailedException($"the file could not be fetched from {url.Host}: it answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }
            if (response.Content.Headers.ContentLength > o.MaxUploadBytes)
            {
                throw new AssetFailedException($"the file at {url.Host} is larger than the {o.MaxUploadBytes} byte limit");
            }
            await using var body = await response.Content.ReadAsStreamAsync(limit.Token);
            return await CopyWithinAsync(body, file, o.MaxUploadBytes, $"the file at {url.Host} is larger than the {o.MaxUploadBytes} byte limit",
                limit.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new AssetFailedException($"fetching the file from {url.Host} took longer than {o.ImportTimeoutSeconds} s");
        }
        catch (IOException e) when (e is HttpIOException || e.InnerException is System.Net.Sockets.SocketException)
        {
            // The server closed the connection before the whole file came.
            throw new AssetFailedException($"the file could not be fetched from {url.Host}: {e.Message}");
        }
        catch (HttpRequestException e)
        {
            var reason = e.InnerException is Http.AddressRefusedException refused ? refused.Message : e.Message;
            throw new AssetFailedException($"the file could not be fetched from {url.Host}: {reason}");
        }
    }

    /// <summary>Copies <paramref name="body"/> into a new <paramref name="file"/>, stopping with <paramref name="tooLarge"/> past <paramref name="max"/> bytes.</summary>
    internal static async Task<long> CopyWithinAsync(System.IO.Stream body, string file, long max, string tooLarge, CancellationToken ct)
    {
        await using var output = File.Create(file);
        var buffer = new byte[1 << 16];
        long size = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, ct)) > 0)
        {
            size += read;
            if (size > max)
            {
                throw new AssetFailedException(tooLarge);
            }
            await output.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        return size;
    }
}
