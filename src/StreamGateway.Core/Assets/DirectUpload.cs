using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;
using StreamGateway.Core.Storage;

namespace StreamGateway.Core.Assets;

/// <summary>
/// <c>PUT /api/asset/upload/direct?token=…</c>: the whole file as the request body. One request at a time writes an
/// asset's upload (a second answers 409). The file is written to the work folder as it arrives (never held in
/// memory beyond one multipart part) straight into the segment store as the asset's source, under the
/// <see cref="UploadBudget"/>: the size cap, the project's quota and (for a local store) the disk's free-space floor,
/// checked against Content-Length before anything is written and again as the bytes arrive. The asset then moves to
/// <c>waiting</c> with its processing job queued.
/// </summary>
public sealed class DirectUpload(UploadTokens tokens, GatewayDbContext db, AssetStorage storage, AssetUploads uploads, UploadLimits limits)
{
    public async Task<IResult> HandleAsync(HttpContext http, CancellationToken ct)
    {
        if (await tokens.ReadAsync(http.Request.Query["token"]) is not { Expired: false } grant)
        {
            return ApiError.Unauthorized(UploadTokens.InvalidMessage);
        }
        var assetId = grant.AssetId;
        var asset = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == assetId && a.DeletedAt == null, ct);
        if (asset is null)
        {
            return ApiError.NotFound("Asset not found");
        }
        if (asset.Phase != AssetPhase.Uploading)
        {
            return ApiError.Status(StatusCodes.Status409Conflict, $"the asset's file has already been uploaded (it is {asset.Phase})");
        }
        var size = http.Request.ContentLength;
        var budget = await limits.BudgetAsync(asset, ct);
        if (budget.Check(size, 0, limits.FreeBytes()) is { } refused)
        {
            return refused.ToResult();
        }
        await using var writer = await limits.TakeWriterAsync(assetId);
        if (writer is null)
        {
            return UploadLimits.Busy();
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = budget.MaxUploadBytes;
        }

        // Straight into the store as it arrives: nothing of it is kept anywhere else, and nothing is visible until the
        // whole body is there.
        long written;
        try
        {
            await using var source = await storage.OpenSourceWriterAsync(assetId, ct);
            if (await limits.CopyAsync(http.Request, source, budget, size, ct) is { } stopped)
            {
                return stopped.ToResult();
            }
            await source.CommitAsync(ct);
            written = source.Written;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException)
        {
            // The client went away: the asset stays uploading, and the same URL may be used again.
            return ApiError.BadRequest("the upload was interrupted before the whole file arrived; send it again");
        }
        catch (StoreBusyException)
        {
            return UploadLimits.StoreFull(http.Response);
        }
        return await uploads.CompleteStoredAsync(assetId, written, ct)
            ? TypedResults.Ok()
            : ApiError.Status(StatusCodes.Status409Conflict, "the asset's file has already been uploaded");
    }
}
