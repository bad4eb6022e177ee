namespace StreamGateway.Core.Http;

/// <summary>Studio timestamps are Unix epoch milliseconds.</summary>
public static class Epoch
{
    public static long Ms(DateTimeOffset value) => value.ToUnixTimeMilliseconds();
    public static long? Ms(DateTimeOffset? value) => value?.ToUnixTimeMilliseconds();
}
