using Hangfire;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;
using StreamGateway.Core.Storage;

namespace StreamGateway.Core.Assets;

/// <summary>
/// <c>PUT /api/asset/upload/direct?token=…</c>: the whole file as the request body. It is written to the work folder
/// as it arrives (never held in memory), checked against <see cref="AssetOptions.MaxUploadBytes"/> (413 beyond it),
/// stored as the asset's source, and the asset moves to <c>waiting</c> with its processing job queued.
/// </summary>
public sealed class DirectUpload(UploadTokens tokens, GatewayDbContext db, AssetStorage storage, AssetUploads uploads,
    IOptions<AssetOptions> options)
{
    public async Task<IResult> HandleAsync(HttpContext http, CancellationToken ct)
    {
        if (await tokens.ValidateAsync(http.Request.Query["token"]) is not { } assetId)
        {
            return ApiError.Unauthorized("the upload URL is invalid or has expired; ask for a new one with POST /api/asset/request-upload");
        }
        var asset = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == assetId && a.DeletedAt == null, ct);
        if (asset is null)
        {
            return ApiError.NotFound("Asset not found");
        }
        if (asset.Phase != AssetPhase.Uploading)
        {
            return ApiError.Status(StatusCodes.Status409Conflict, $"the asset's file has already been uploaded (it is {asset.Phase})");
        }
        var max = options.Value.MaxUploadBytes;
        if (http.Request.ContentLength > max)
        {
            return ApiError.PayloadTooLarge($"the file is larger than the {max} byte upload limit");
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max;
        }

        var work = storage.WorkDir(assetId);
        Directory.CreateDirectory(work);
        var partial = Path.Combine(work, $"direct-{Guid.NewGuid():N}.part");
        long size;
        try
        {
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                var buffer = new byte[1 << 16];
                size = 0;
                int read;
                while ((read = await http.Request.Body.ReadAsync(buffer, ct)) > 0)
                {
                    size += read;
                    if (size > max)
                    {
                        throw new BadHttpRequestException("too large", StatusCodes.Status413PayloadTooLarge);
                    }
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            File.Delete(partial);
            return ApiError.PayloadTooLarge($"the file is larger than the {max} byte upload limit");
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException)
        {
            // The client went away: the asset stays uploading, and the same URL may be used again.
            File.Delete(partial);
            return ApiError.BadRequest("the upload was interrupted before the whole file arrived; send it again");
        }
        return await uploads.CompleteAsync(assetId, partial, size, ct)
            ? TypedResults.Ok()
            : ApiError.Status(StatusCodes.Status409Conflict, "the asset's file has already been uploaded");
    }
}
