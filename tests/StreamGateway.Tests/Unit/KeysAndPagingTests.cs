using Microsoft.AspNetCore.Http;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Http;

namespace StreamGateway.Tests.Unit;

public sealed class KeysAndPagingTests
{
    [Fact]
    public void Stream_keys_and_playback_ids_follow_studio_formats_and_do_not_repeat()
    {
        var id = Guid.Parse("abcd1234-0000-7000-8000-000000000000");
        var keys = Enumerable.Range(0, 2000).Select(_ => SecretKeys.NewStreamKey(id)).ToList();
        Assert.All(keys, k => Assert.Matches("^abcd-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$", k));
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Matches("^abcd[0-9a-z]{12}$", SecretKeys.NewPlaybackId(id));
    }

    [Fact]
    public void Api_keys_carry_192_random_bits_and_hash_deterministically()
    {
        var key = SecretKeys.NewApiKey();
        Assert.Matches("^sgk_[0-9a-f]{48}$", key);
        Assert.Equal(SecretKeys.Hash(key), SecretKeys.Hash(key));
        Assert.NotEqual(SecretKeys.Hash(key), SecretKeys.Hash(SecretKeys.NewApiKey()));
    }

    private static HttpRequest Request(string query)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString(query);
        return context.Request;
    }

    [Theory]
    [InlineData("", 20)]
    [InlineData("?limit=5", 5)]
    [InlineData("?limit=5000", 1000)]
    public void Limit_defaults_to_20_and_caps_at_1000(string query, int expected)
    {
        Assert.True(PageRequest.TryParse(Request(query), out var page, out _));
        Assert.Equal(expected, page.Limit);
        Assert.Null(page.AfterId);
    }

    [Theory]
    [InlineData("?limit=0")]
    [InlineData("?limit=-3")]
    [InlineData("?limit=ten")]
    [InlineData("?cursor=!!!")]
    [InlineData("?cursor=c2tpcDI")]
    public void Bad_limit_or_cursor_is_refused(string query)
    {
        Assert.False(PageRequest.TryParse(Request(query), out _, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void Cursor_round_trips_the_last_row()
    {
        var at = new DateTimeOffset(2026, 11, 26, 10, 0, 0, 123, TimeSpan.Zero).AddTicks(4567);
        var id = Guid.NewGuid();
        Assert.True(PageRequest.TryParse(Request("?limit=3&cursor=" + PageRequest.Encode(at, id)), out var page, out _));
        Assert.Equal(at, page.AfterCreatedAt);
        Assert.Equal(id, page.AfterId);
    }

    [Fact]
    public void Link_header_is_set_only_when_the_page_is_full()
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("gw:8080");
        context.Request.Path = "/api/stream";
        context.Request.QueryString = new QueryString("?limit=2&streamsonly=1");
        Assert.True(PageRequest.TryParse(context.Request, out var page, out _));

        page.AnnounceNext(context, 1, DateTimeOffset.UtcNow, Guid.NewGuid());
        Assert.False(context.Response.Headers.ContainsKey("Link"));

        page.AnnounceNext(context, 2, DateTimeOffset.UtcNow, Guid.NewGuid());
        var link = context.Response.Headers.Link.ToString();
        Assert.Matches("^<http://gw:8080/api/stream\\?limit=2&streamsonly=1&cursor=[A-Za-z0-9_-]+>; rel=\"next\"$", link);
    }
}
