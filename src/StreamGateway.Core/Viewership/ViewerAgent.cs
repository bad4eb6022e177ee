namespace StreamGateway.Core.Viewership;

/// <summary>
/// The kind of viewer a User-Agent names, in the coarse terms the viewership breakdowns use: device type (desktop,
/// mobile, tablet, tv, bot), device, OS, browser and its engine. Pure; anything unrecognised is <c>other</c>.
/// </summary>
public sealed record ViewerAgent(string DeviceType, string Device, string Os, string Browser, string BrowserEngine)
{
    public const int MaxLength = 512;

    public static ViewerAgent Parse(string? userAgent)
    {
        var ua = userAgent is { Length: > MaxLength } ? userAgent[..MaxLength] : userAgent ?? "";
        bool Has(string s) => ua.Contains(s, StringComparison.OrdinalIgnoreCase);

        var os = Has("Windows") ? "Windows"
            : Has("iPhone") || Has("iPad") || Has("iPod") ? "iOS"
            : Has("Android") ? "Android"
            : Has("CrOS") ? "ChromeOS"
            : Has("Mac OS X") || Has("Macintosh") ? "macOS"
            : Has("Tizen") || Has("Web0S") || Has("webOS") ? "Smart TV"
            : Has("Linux") ? "Linux"
            : "other";
        var device = Has("iPhone") ? "iPhone" : Has("iPad") ? "iPad" : Has("Macintosh") ? "Mac" : Has("Android") ? "Android device" : "other";
        var deviceType = Has("bot") || Has("spider") || Has("crawl") ? "bot"
            : Has("SmartTV") || Has("SMART-TV") || Has("Tizen") || Has("Web0S") || Has("AppleTV") || Has("CrKey") ? "tv"
            : Has("iPad") || Has("Tablet") || (Has("Android") && !Has("Mobile")) ? "tablet"
            : Has("Mobi") || Has("iPhone") || Has("iPod") ? "mobile"
            : os is "Windows" or "macOS" or "Linux" or "ChromeOS" ? "desktop"
            : "other";
        // Order matters: every Chromium browser says Chrome and Safari, Chrome on iOS says Safari too.
        var browser = Has("HeadlessChrome") ? "Headless Chrome"
            : Has("Edg/") || Has("EdgiOS") || Has("EdgA") ? "Edge"
            : Has("OPR/") || Has("Opera") ? "Opera"
            : Has("SamsungBrowser") ? "Samsung Internet"
            : Has("Firefox/") || Has("FxiOS") ? "Firefox"
            : Has("CriOS") || Has("Chrome/") || Has("Chromium/") ? "Chrome"
            : Has("Safari/") && Has("Version/") ? "Safari"
            : Has("Lavf/") ? "ffmpeg"
            : Has("VLC") ? "VLC"
            : "other";
        var engine = os == "iOS" && browser != "other" ? "WebKit"
            : browser is "Chrome" or "Headless Chrome" or "Edge" or "Opera" or "Samsung Internet" ? "Blink"
            : browser == "Firefox" ? "Gecko"
            : browser == "Safari" ? "WebKit"
            : "other";
        return new ViewerAgent(deviceType, device, os, browser, engine);
    }
}
