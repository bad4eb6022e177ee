using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Data;
using StreamGateway.Core.Http;
using StreamGateway.Core.Playback;
using StreamGateway.Core.Storage;

namespace StreamGateway.Core.Assets;

/// <summary>
/// Resumable uploads with the tus 1.0.0 protocol (core, creation and termination extensions) on the
/// <c>tusEndpoint</c> that <c>request-upload</c> returns. The upload is the asset's file: POST declares its length and
/// answers with the upload's URL; PATCH appends at the offset the client names (409 when it is not where the file
/// ends); HEAD says how much arrived, so a client that lost its connection resumes from there; DELETE abandons it.
/// Authorised by the same signed token as the direct upload; an upload created before the token expired goes on with
/// it. One request at a time writes an upload, on any node (another answers 409), and every write stays within the
/// <see cref="UploadBudget"/>: the declared length is checked against the size cap, the project's quota and the
/// disk's free-space floor when the upload is created, and the free space again as each PATCH arrives. What each PATCH
/// brings goes straight into the segment store as one piece (named by its offset, listed on the asset with the offset
/// reached), so a client may resume on any node behind a load balancer; the last piece makes the pieces one source
/// file inside the store.
/// </summary>
public sealed class TusUploads(UploadTokens tokens, GatewayDbContext db, AssetStorage storage, AssetUploads uploads, UploadLimits limits,
    IOptions<AssetOptions> options, IOptions<GatewayUrlOptions> urls, TimeProvider clock)
{
    public const string Version = "1.0.0";
    private const string OffsetContentType = "application/offset+octet-stream";

    public static WebApplication MapTus(WebApplication app)
    {
        const string path = "/api/asset/upload/tus";
        app.MapMethods(path, ["OPTIONS"], (HttpContext http, TusUploads tus) => tus.Options(http)).ExcludeFromDescription();
        app.MapPost(path, (HttpContext http, TusUploads tus, CancellationToken ct) => tus.CreateAsync(http, ct)).ExcludeFromDescription();
        app.MapMethods($"{path}/{{id}}", ["OPTIONS"], (HttpContext http, TusUploads tus) => tus.Options(http)).ExcludeFromDescription();
        app.MapMethods($"{path}/{{id}}", ["HEAD"], (string id, HttpContext http, TusUploads tus, CancellationToken ct) => tus.HeadAsync(id, http, ct))
            .ExcludeFromDescription();
        app.MapPatch($"{path}/{{id}}", (string id, HttpContext http, TusUploads tus, CancellationToken ct) => tus.PatchAsync(id, http, ct))
            .ExcludeFromDescription();
        app.MapDelete($"{path}/{{id}}", (string id, HttpContext http, TusUploads tus, CancellationToken ct) => tus.DeleteAsync(id, http, ct))
            .ExcludeFromDescription();
        return app;
    }

    private static void Common(HttpContext http)
    {
        var headers = http.Response.Headers;
        headers["Tus-Resumable"] = Version;
        headers.AccessControlAllowOrigin = "*";
        headers.AccessControlExposeHeaders = "Location, Upload-Offset, Upload-Length, Tus-Resumable, Tus-Version, Tus-Extension, Tus-Max-Size";
        headers.CacheControl = "no-store";
    }

    /// <summary>Discovery, and the browser's CORS preflight.</summary>
    private IResult Options(HttpContext http)
    {
        Common(http);
        var headers = http.Response.Headers;
        headers["Tus-Version"] = Version;
        headers["Tus-Extension"] = "creation,termination";
        headers["Tus-Max-Size"] = options.Value.MaxUploadBytes.ToString(CultureInfo.InvariantCulture);
        headers.AccessControlAllowMethods = "POST, HEAD, PATCH, DELETE, OPTIONS";
        headers.AccessControlAllowHeaders = "Tus-Resumable, Upload-Length, Upload-Metadata, Upload-Offset, Content-Type, Upload-Defer-Length";
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The checks every tus request passes: protocol version, a genuine token, and (for an upload URL) the same asset.
    /// Creating an upload needs a token that has not expired; see <see cref="Continues"/> for the rest.
    /// </summary>
    private async Task<(Guid AssetId, bool Expired, IResult? Error)> AuthoriseAsync(HttpContext http, string? id)
    {
        Common(http);
        if (http.Request.Headers["Tus-Resumable"].ToString() != Version)
        {
            http.Response.Headers["Tus-Version"] = Version;
            return (default, false, ApiError.Status(StatusCodes.Status412PreconditionFailed, $"this server speaks tus {Version}; send Tus-Resumable: {Version}"));
        }
        if (await tokens.ReadAsync(http.Request.Query["token"]) is not { } grant || (id is null && grant.Expired) ||
            (id is not null && (!Guid.TryParseExact(id, "N", out var named) || named != grant.AssetId)))
        {
            return (default, false, ApiError.Unauthorized(UploadTokens.InvalidMessage));
        }
        return (grant.AssetId, grant.Expired, null);
    }

    /// <summary>An expired token still serves an upload it created, while that upload is alive (the watchdog ends it).</summary>
    private static bool Continues(bool expired, Asset? asset) =>
        !expired || asset is { UploadLength: not null, Phase: AssetPhase.Uploading };

    private static IResult Expired() => ApiError.Unauthorized(UploadTokens.InvalidMessage);

    private async Task<IResult> CreateAsync(HttpContext http, CancellationToken ct)
    {
        var (assetId, _, error) = await AuthoriseAsync(http, null);
        if (error is not null)
        {
            return error;
        }
        if (!long.TryParse(http.Request.Headers["Upload-Length"], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            return ApiError.BadRequest("Upload-Length is required: the file's size in bytes (deferred lengths are not supported)");
        }
        var asset = await db.Assets.FirstOrDefaultAsync(a => a.Id == assetId && a.DeletedAt == null, ct);
        if (asset is null)
        {
            return ApiError.NotFound("Asset not found");
        }
        if (asset.Phase != AssetPhase.Uploading)
        {
            return ApiError.Status(StatusCodes.Status409Conflict, $"the asset's file has already been uploaded (it is {asset.Phase})");
        }
        if ((await limits.BudgetAsync(asset, ct)).Check(length, 0, limits.FreeBytes()) is { } refused)
        {
            return refused.ToResult();
        }
        await using (var writer = await limits.TakeWriterAsync(assetId))
        {
            if (writer is null)
            {
                return UploadLimits.Busy();
            }
            // A new upload of the same asset starts the file again.
            await storage.DeleteUploadPiecesAsync(assetId);
            asset.UploadLength = length;
            asset.UploadOffset = 0;
            asset.UploadPieceOffsets = [];
            await db.SaveChangesAsync(ct);
            if (length == 0)
            {
                try
                {
                    await using var empty = await storage.OpenSourceWriterAsync(assetId, ct);
                    await empty.CommitAsync(ct);
                }
                catch (StoreBusyException)
                {
                    return UploadLimits.StoreFull(http.Response);
                }
                await uploads.CompleteStoredAsync(assetId, 0, ct);
            }
        }
        var location = $"{urls.Value.BaseFor(http.Request)}/api/asset/upload/tus/{assetId:N}?token={Uri.EscapeDataString(http.Request.Query["token"].ToString())}";
        http.Response.Headers.Location = location;
        http.Response.Headers["livepeer-playback-id"] = asset.PlaybackId;
        return TypedResults.Created(location);
    }

    private async Task<IResult> HeadAsync(string id, HttpContext http, CancellationToken ct)
    {
        var (assetId, expired, error) = await AuthoriseAsync(http, id);
        if (error is not null)
        {
            return error;
        }
        var asset = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == assetId && a.DeletedAt == null, ct);
        if (!Continues(expired, asset))
        {
            return Expired();
        }
        if (asset?.UploadLength is not { } length)
        {
            return TypedResults.NotFound();
        }
        // Once the file is complete it has moved on to processing; the whole length arrived.
        var offset = asset.Phase == AssetPhase.Uploading ? asset.UploadOffset : length;
        http.Response.Headers["Upload-Offset"] = offset.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers["Upload-Length"] = length.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Ok();
    }

    private async Task<IResult> PatchAsync(string id, HttpContext http, CancellationToken ct)
    {
        var (assetId, expired, error) = await AuthoriseAsync(http, id);
        if (error is not null)
        {
            return error;
        }
        if (!string.Equals(http.Request.ContentType, OffsetContentType, StringComparison.OrdinalIgnoreCase))
        {
            return ApiError.Status(StatusCodes.Status415UnsupportedMediaType, $"PATCH bodies are {OffsetContentType}");
        }
        if (!long.TryParse(http.Request.Headers["Upload-Offset"], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return ApiError.BadRequest("Upload-Offset is required");
        }
        var asset = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == assetId && a.DeletedAt == null, ct);
        if (!Continues(expired, asset))
        {
            return Expired();
        }
        if (asset?.UploadLength is not { } length || asset.Phase != AssetPhase.Uploading)
        {
            return TypedResults.NotFound();
        }
        // The rest of the file must still fit: checked before a byte of this request is written.
        var budget = await limits.BudgetAsync(asset, ct);
        if (budget.Check(length, asset.UploadOffset, limits.FreeBytes()) is { } refused)
        {
            return refused.ToResult();
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = length;
        }
        await using var writer = await limits.TakeWriterAsync(assetId);
        if (writer is null)
        {
            return UploadLimits.Busy();
        }
        // Read again under the lease: another node's PATCH may have moved the offset since.
        var at = await db.Assets.AsNoTracking().Where(a => a.Id == assetId && a.DeletedAt == null && a.Phase == AssetPhase.Uploading)
            .Select(a => new { a.UploadOffset, a.UploadPieceOffsets }).FirstOrDefaultAsync(ct);
        if (at is null)
        {
            return TypedResults.NotFound();
        }
        if (at.UploadOffset != offset)
        {
            http.Response.Headers["Upload-Offset"] = at.UploadOffset.ToString(CultureInfo.InvariantCulture);
            return ApiError.Status(StatusCodes.Status409Conflict, $"the upload is at offset {at.UploadOffset}, not {offset}");
        }

        // Straight into the store as this request's piece: whatever arrives before the body ends (or the connection
        // breaks) is kept, and any node can take the next PATCH.
        UploadRefusal? stopped = null;
        var broken = false;
        long received;
        StoreWriter piece;
        try
        {
            piece = await storage.OpenUploadPieceWriterAsync(assetId, offset, ct);
        }
        catch (StoreBusyException)
        {
            return UploadLimits.StoreFull(http.Response);
        }
        await using (piece)
        {
            try
            {
                // The budget counts what is already stored as written.
                stopped = await limits.CopyAsync(http.Request, piece, budget with { ProjectBytes = budget.ProjectBytes + offset }, length - offset, ct);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException)
            {
                broken = true;
            }
            received = piece.Written;
            if (received > 0)
            {
                await piece.CommitAsync(CancellationToken.None);
            }
        }
        var written = offset + received;
        if (received > 0)
        {
            var now = clock.GetUtcNow();
            List<long> pieces = [.. at.UploadPieceOffsets, offset];
            var moved = await db.Assets.Where(a => a.Id == assetId && a.Phase == AssetPhase.Uploading && a.UploadOffset == offset)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.UploadOffset, written).SetProperty(a => a.UploadPieceOffsets, pieces)
                    .SetProperty(a => a.UpdatedAt, now), CancellationToken.None);
            if (moved == 0)
            {
                // Deleted, terminated or started again meanwhile: this piece belongs to nothing.
                return TypedResults.NotFound();
            }
            if (written == length)
            {
                await uploads.CompletePiecesAsync(assetId, pieces, length, CancellationToken.None);
            }
        }
        http.Response.Headers["Upload-Offset"] = written.ToString(CultureInfo.InvariantCulture);
        if (broken)
        {
            return TypedResults.StatusCode(StatusCodes.Status400BadRequest);
        }
        // What arrived before a stop stays: the client may resume from it once there is room again.
        return stopped is not null ? stopped.ToResult() : TypedResults.NoContent();
    }

    private async Task<IResult> DeleteAsync(string id, HttpContext http, CancellationToken ct)
    {
        var (assetId, expired, error) = await AuthoriseAsync(http, id);
        if (error is not null)
        {
            return error;
        }
        var asset = await db.Assets.FirstOrDefaultAsync(a => a.Id == assetId && a.DeletedAt == null, ct);
        if (!Continues(expired, asset))
        {
            return Expired();
        }
        if (asset?.UploadLength is null || asset.Phase != AssetPhase.Uploading)
        {
            return TypedResults.NotFound();
        }
        await using var writer = await limits.TakeWriterAsync(assetId);
        if (writer is null)
        {
            return UploadLimits.Busy();
        }
        await storage.DeleteUploadPiecesAsync(assetId);
        asset.UploadLength = null;
        asset.UploadOffset = 0;
        asset.UploadPieceOffsets = [];
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
