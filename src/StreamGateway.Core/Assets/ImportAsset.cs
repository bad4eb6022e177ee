using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Data;

namespace StreamGateway.Core.Assets;

/// <summary>
/// Fetches the file of an asset created from a URL (<c>POST /asset/upload/url</c>, queue <c>vod</c>): http(s) only,
/// never from private or loopback addresses unless <see cref="AssetOptions.AllowPrivateUrls"/> (checked on every
/// connection, redirects included), at most <see cref="AssetOptions.MaxUploadBytes"/> and
/// <see cref="AssetOptions.ImportTimeoutSeconds"/>. Then the file is processed like an upload.
/// </summary>
public sealed class ImportAsset(
    GatewayDbContext db,
    AssetStorage storage,
    AssetEvents events,
    IHttpClientFactory http,
    IBackgroundJobClient jobs,
    IOptions<AssetOptions> options,
    TimeProvider clock,
    ILogger<ImportAsset> logger)
{
    public const string HttpClientName = "asset-import";

    [Queue("vod")]
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(Guid assetId, CancellationToken ct)
    {
        var asset = await db.Assets.FirstOrDefaultAsync(a => a.Id == assetId && a.DeletedAt == null, ct);
        if (asset is null || asset.Phase != AssetPhase.Waiting || asset.SourceUrl is null)
        {
            return;
        }
        var work = storage.WorkDir(assetId);
        Directory.CreateDirectory(work);
        var file = Path.Combine(work, "import.part");
        try
        {
            var size = await FetchAsync(new Uri(asset.SourceUrl), file, ct);
            await storage.PutSourceAsync(assetId, file);
            asset.Size = size;
            asset.UpdatedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
            jobs.Enqueue<ProcessAsset>(job => job.RunAsync(assetId, CancellationToken.None));
        }
        catch (AssetFailedException e)
        {
            logger.LogWarning("Import of asset {Asset} from {Url} failed: {Error}", assetId, asset.SourceUrl, e.Message);
            File.Delete(file);
            var task = await db.Tasks.FirstOrDefaultAsync(t => t.OutputAssetId == assetId && t.Type == "upload", ct);
            await events.FailAsync(db, asset, task, e.Message, clock.GetUtcNow(), ct);
        }
    }

    private async Task<long> FetchAsync(Uri url, string file, CancellationToken ct)
    {
        var o = options.Value;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(o.ImportTimeoutSeconds));
        try
        {
            using var response = await http.CreateClient(HttpClientName).GetAsync(url, HttpCompletionOption.ResponseHeadersRead, limit.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new AssetFailedException($"the file could not be fetched from {url.Host}: it answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }
            if (response.Content.Headers.ContentLength > o.MaxUploadBytes)
            {
                throw new AssetFailedException($"the file at {url.Host} is larger than the {o.MaxUploadBytes} byte limit");
            }
            await using var body = await response.Content.ReadAsStreamAsync(limit.Token);
            await using var output = File.Create(file);
            var buffer = new byte[1 << 16];
            long size = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, limit.Token)) > 0)
            {
                size += read;
                if (size > o.MaxUploadBytes)
                {
                    throw new AssetFailedException($"the file at {url.Host} is larger than the {o.MaxUploadBytes} byte limit");
                }
                await output.WriteAsync(buffer.AsMemory(0, read), limit.Token);
            }
            return size;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new AssetFailedException($"fetching the file from {url.Host} took longer than {o.ImportTimeoutSeconds} s");
        }
        catch (HttpRequestException e)
        {
            var reason = e.InnerException is Http.AddressRefusedException refused ? refused.Message : e.Message;
            throw new AssetFailedException($"the file could not be fetched from {url.Host}: {reason}");
        }
    }
}
