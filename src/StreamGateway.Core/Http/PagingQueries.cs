using System.Buffers.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;

namespace StreamGateway.Core.Http;

public static class PagingQueries
{
    /// <summary>Reads one page of <paramref name="query"/> and announces the next one in the <c>Link</c> header.</summary>
    public static async Task<List<T>> PageAsync<T>(this IQueryable<T> query, PageRequest page, HttpContext http, CancellationToken ct)
        where T : class, IListed
    {
        if (page.AfterCreatedAt is { } after && page.AfterId is { } afterId)
        {
            query = query.Where(r => r.CreatedAt < after || (r.CreatedAt == after && r.Id.CompareTo(afterId) < 0));
        }
        var rows = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            query.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).Take(page.Limit), ct);
        if (rows.Count > 0)
        {
            page.AnnounceNext(http, rows.Count, rows[^1].CreatedAt, rows[^1].Id);
        }
        return rows;
    }
}
