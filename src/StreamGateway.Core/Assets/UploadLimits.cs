using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;

using StreamGateway.Core.Storage;

namespace StreamGateway.Core.Assets;

/// <summary>Why an upload may not start or go on: the status it answers and a message for the uploader.</summary>
public sealed record UploadRefusal(int StatusCode, string Message)
{
    public IResult ToResult() => ApiError.Status(StatusCode, Message);
}

/// <summary>
/// The limits one upload runs under, measured when it starts, and the pure rule that applies them to every chunk:
/// the file's size cap (413), the project's quota (403) and the free-space floor of the work disk (507).
/// </summary>
/// <param name="ProjectBytes">What the project's other assets and uploads already count against its quota.</param>
public readonly record struct UploadBudget(long ProjectBytes, long MaxUploadBytes, long MaxProjectBytes, long MinFreeDiskBytes)
{
    public static UploadBudget For(AssetOptions options, long projectBytes) =>
        new(projectBytes, options.MaxUploadBytes, options.MaxProjectBytes, options.MinFreeDiskBytes);

    /// <returns>Why the upload must stop, or null while it may go on.</returns>
    /// <param name="size">The whole file's size when the client declared it (Content-Length, Upload-Length).</param>
    /// <param name="written">Bytes of the file already on disk, this request's included.</param>
    /// <param name="freeBytes">Free space on the work disk now.</param>
    public UploadRefusal? Check(long? size, long written, long freeBytes)
    {
        if (written > size)
        {
            return new(StatusCodes.Status400BadRequest, $"the body goes past the declared length of {size} bytes");
        }
        var total = Math.Max(size ?? 0, written);
        if (total > MaxUploadBytes)
        {
            return new(StatusCodes.Status413PayloadTooLarge, $"the file is larger than the {MaxUploadBytes} byte upload limit");
        }
        if (total > MaxProjectBytes - ProjectBytes)
        {
            return QuotaRefusal();
        }
        // What is still to come must fit above the floor; what already arrived is in freeBytes.
        var coming = Math.Max(0, (size ?? written) - written);
        if (freeBytes - coming < MinFreeDiskBytes)
        {
            return new(StatusCodes.Status507InsufficientStorage, "the server is short of disk space for uploads; try again later");
        }
        return null;
    }

    /// <summary>Refuses a new upload to a project whose quota is used up, before its asset is even created.</summary>
    public UploadRefusal? CheckRoomLeft() => ProjectBytes >= MaxProjectBytes ? QuotaRefusal() : null;

    private UploadRefusal QuotaRefusal() => new(StatusCodes.Status403Forbidden,
        $"the project's storage quota of {MaxProjectBytes} bytes has no room for this file ({ProjectBytes} bytes are stored or being " +
        "uploaded); delete assets that are no longer needed");
}

/// <summary>
/// What every upload request goes through before and while it writes: one writer per upload across all gateway
/// nodes (an <see cref="AssetLease"/> in Redis), and the <see cref="UploadBudget"/> with the disk's free space measured
/// again every few MiB.
/// </summary>
public sealed class UploadLimits(GatewayDbContext db, IConnectionMultiplexer redis, IServiceScopeFactory scopes, IOptions<AssetOptions> options,
    TimeProvider clock)
{
    /// <summary>A writer whose node died holds its upload this long at most.</summary>
    private static readonly TimeSpan WriterTtl = TimeSpan.FromSeconds(30);

    private const int DiskCheckBytes = 4 << 20;

    /// <summary>The store takes no more uploads on this node right now (<see cref="StoreBusyException"/>): 503, retry shortly.</summary>
    public static IResult StoreFull(HttpResponse response)
    {
        response.Headers.RetryAfter = "5";
        return ApiError.Status(StatusCodes.Status503ServiceUnavailable,
            "the server is taking as many uploads as it can right now; try again in a few seconds (nothing of this request was kept)");
    }

    public static IResult Busy() => ApiError.Status(StatusCodes.Status409Conflict,
        "another request is writing this upload; wait until it ends (a tus client can ask with HEAD how far it got)");

    /// <summary>The right to write the asset's upload, or null while another request holds it (answer <see cref="Busy"/>).</summary>
    public Task<AssetLease?> TakeWriterAsync(Guid assetId) => AssetLease.TryTakeUploadAsync(redis, scopes, assetId, WriterTtl, clock);

    /// <summary>The limits for an upload to <paramref name="asset"/>; its own upload is not counted in its project's usage.</summary>
    public Task<UploadBudget> BudgetAsync(Asset asset, CancellationToken ct) => BudgetAsync(asset.ProjectId, asset.Id, ct);

    /// <summary>
    /// The limits for an upload in <paramref name="projectId"/>. The project's usage counts the sources of its assets
    /// that are not deleted (failed ones keep theirs until deleted) and the declared lengths of its tus uploads in
    /// progress; a direct upload counts once it is complete, and is checked against the rest while it arrives.
    /// </summary>
    public async Task<UploadBudget> BudgetAsync(Guid projectId, Guid exceptAsset, CancellationToken ct)
    {
        var used = await db.Assets.Where(a => a.ProjectId == projectId && a.Id != exceptAsset && a.DeletedAt == null)
            .SumAsync(a => a.Size ?? (a.Phase == AssetPhase.Uploading ? a.UploadLength ?? 0 : 0), ct);
        return UploadBudget.For(options.Value, used);
    }

    /// <summary>Free bytes on the disk uploads are written to.</summary>
    public long FreeBytes()
    {
        var root = Path.GetFullPath(options.Value.WorkDir);
        Directory.CreateDirectory(root);
        return new DriveInfo(root).AvailableFreeSpace;
    }

    /// <summary>Writes the request body to <paramref name="target"/> until it ends or the budget says stop.</summary>
    /// <param name="size">The whole file's declared size, if any.</param>
    /// <returns>The refusal that stopped it, or null when the whole body was written.</returns>
    public async Task<UploadRefusal?> CopyAsync(HttpRequest request, StoreWriter target, UploadBudget budget, long? size, CancellationToken ct)
    {
        var buffer = new byte[1 << 16];
        var measuredAt = target.Written;
        // An object store fills no local disk: only the size and the quota bound what it takes.
        var free = target.FreeBytes() ?? long.MaxValue;
        int read;
        while ((read = await request.Body.ReadAsync(buffer, ct)) > 0)
        {
            var written = target.Written + read;
            if (written - measuredAt >= DiskCheckBytes)
            {
                measuredAt = target.Written;
                free = target.FreeBytes() ?? long.MaxValue;
            }
            if (budget.Check(size, written, free - (written - measuredAt)) is { } refusal)
            {
                return refusal;
            }
            await target.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        return null;
    }
}
