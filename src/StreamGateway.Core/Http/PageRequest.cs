using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;

namespace StreamGateway.Core.Http;

/// <summary>
/// Studio-style list paging (studio-api §1.6): <c>limit</c> (default 20, max 1000) and an opaque <c>cursor</c>;
/// the next page is announced in <c>Link: &lt;url&gt;; rel="next"</c>. Lists are ordered newest first and the
/// cursor is the (createdAt, id) of the last item returned, so pages stay stable while rows are added.
/// </summary>
public sealed record PageRequest(int Limit, DateTimeOffset? AfterCreatedAt, Guid? AfterId)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 1000;

    public static bool TryParse(HttpRequest request, out PageRequest page, out IResult? error)
    {
        page = new PageRequest(DefaultLimit, null, null);
        error = null;
        var limit = DefaultLimit;
        var rawLimit = request.Query["limit"].ToString();
        if (rawLimit.Length > 0 &&
            (!int.TryParse(rawLimit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1))
        {
            error = ApiError.BadRequest("limit: must be a positive integer");
            return false;
        }
        limit = Math.Min(limit, MaxLimit);

        var cursor = request.Query["cursor"].ToString();
        if (cursor.Length == 0)
        {
            page = page with { Limit = limit };
            return true;
        }
        if (!TryDecode(cursor, out var createdAt, out var id))
        {
            error = ApiError.BadRequest("cursor: not a cursor this API issued");
            return false;
        }
        page = new PageRequest(limit, createdAt, id);
        return true;
    }

    public static string Encode(DateTimeOffset createdAt, Guid id) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(
            $"{createdAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}.{id:N}"));

    private static bool TryDecode(string cursor, out DateTimeOffset createdAt, out Guid id)
    {
        createdAt = default;
        id = default;
        try
        {
            var text = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(cursor));
            var parts = text.Split('.');
            if (parts.Length != 2 ||
                !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ||
                ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks ||
                !Guid.TryParseExact(parts[1], "N", out id))
            {
                return false;
            }
            createdAt = new DateTimeOffset(ticks, TimeSpan.Zero);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Sets the <c>Link</c> header for the page after <paramref name="last"/>, if the page was full.</summary>
    public void AnnounceNext(HttpContext context, int returned, DateTimeOffset lastCreatedAt, Guid lastId)
    {
        if (returned < Limit)
        {
            return;
        }
        var request = context.Request;
        var query = QueryBuilderFrom(request);
        query["cursor"] = Encode(lastCreatedAt, lastId);
        var url = UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, request.Path,
            QueryString.Create(query));
        context.Response.Headers.Append("Link", $"<{url}>; rel=\"next\"");
    }

    private static Dictionary<string, string?> QueryBuilderFrom(HttpRequest request)
    {
        var query = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Query)
        {
            query[key] = value.ToString();
        }
        return query;
    }
}
