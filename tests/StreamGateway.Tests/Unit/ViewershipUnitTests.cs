using StreamGateway.Core.Viewership;

namespace StreamGateway.Tests.Unit;

public sealed class ViewershipUnitTests
{
    [Theory]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "desktop", "Windows", "Chrome", "Blink")]
    [InlineData("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        "desktop", "Windows", "Edge", "Blink")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "mobile", "iOS", "Safari", "WebKit")]
    [InlineData("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0 Mobile/15E148 Safari/604.1",
        "mobile", "iOS", "Chrome", "WebKit")]
    [InlineData("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
        "desktop", "macOS", "Safari", "WebKit")]
    [InlineData("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36",
        "mobile", "Android", "Chrome", "Blink")]
    [InlineData("Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
        "tablet", "Android", "Chrome", "Blink")]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "desktop", "Linux", "Firefox", "Gecko")]
    [InlineData("Lavf/59.27.100", "other", "other", "ffmpeg", "other")]
    [InlineData("Googlebot/2.1 (+http://www.google.com/bot.html)", "bot", "other", "other", "other")]
    [InlineData(null, "other", "other", "other", "other")]
    public void A_user_agent_is_named_in_the_breakdowns_terms(string? userAgent, string deviceType, string os, string browser, string engine)
    {
        var agent = ViewerAgent.Parse(userAgent);
        Assert.Equal((deviceType, os, browser, engine), (agent.DeviceType, agent.Os, agent.Browser, agent.BrowserEngine));
    }

    [Fact]
    public void A_huge_user_agent_is_read_only_up_to_its_limit()
    {
        var agent = ViewerAgent.Parse(new string('x', 1_000_000) + " Firefox/133.0");
        Assert.Equal("other", agent.Browser);
    }

    [Theory]
    [InlineData("2026-12-05T13:45:10Z", "hour", "2026-12-05T13:00:00Z")]
    [InlineData("2026-12-05T13:45:10Z", "day", "2026-12-05T00:00:00Z")]
    [InlineData("2026-12-05T13:45:10Z", "week", "2026-11-30T00:00:00Z")] // a Saturday: its week began on Monday
    [InlineData("2026-11-30T00:00:00Z", "week", "2026-11-30T00:00:00Z")]
    [InlineData("2026-12-05T13:45:10Z", "month", "2026-12-01T00:00:00Z")]
    [InlineData("2026-12-05T13:45:10Z", "year", "2026-01-01T00:00:00Z")]
    public void Time_steps_start_where_the_calendar_does(string at, string step, string start) =>
        Assert.Equal(DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture),
            ViewEndpoints.Bucket(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture), step));

    [Theory]
    [InlineData("1764939910000", true, 1764939910000)]
    [InlineData("2025-12-05T12:25:10.000Z", true, 1764937510000)]
    [InlineData("", true, null)]
    [InlineData("yesterday", false, null)]
    [InlineData("-5", false, null)]
    public void From_and_to_are_milliseconds_or_iso_dates(string value, bool ok, long? ms)
    {
        Assert.Equal(ok, ViewEndpoints.TryTime(value, out var time));
        Assert.Equal(ms, time?.ToUnixTimeMilliseconds());
    }
}
