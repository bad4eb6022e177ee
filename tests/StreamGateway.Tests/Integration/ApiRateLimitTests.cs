using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace StreamGateway.Tests.Integration;

/// <summary>
/// The API's rate limits, tried against the running gateway: one key that asks too fast, one address that keeps
/// guessing keys. Clients connect from addresses of their own on 127/8 (all loopback on Linux), so the suite's other
/// tests, which connect from 127.0.0.1, are not counted with them.
/// </summary>
public sealed class ApiRateLimitTests
{
    private static readonly Gateway Gw = Gateway.Instance;

    [Fact]
    public async Task A_key_that_asks_too_fast_gets_429_with_Retry_After_and_others_are_unaffected()
    {
        var greedy = await Gw.NewTenantAsync();
        var calm = await Gw.NewTenantAsync();
        // Twice the burst at once: the bucket (KeyBurst, refilled KeyRequestsPerSecond a second) cannot hold it all.
        var burst = Setting("Api__KeyBurst", 200);
        var answers = await Task.WhenAll(Enumerable.Range(0, 2 * burst + 100).Select(async _ =>
        {
            using var response = await greedy.Http.GetAsync("api/stream");
            return (response.StatusCode, RetryAfter: response.Headers.RetryAfter?.Delta,
                Error: response.StatusCode == HttpStatusCode.TooManyRequests ? (await Json.ErrorsAsync(response))[0] : null);
        }));
        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(refused);
        Assert.True(answers.Count(a => a.StatusCode == HttpStatusCode.OK) >= burst, string.Join(',', answers.Select(a => (int)a.StatusCode)));
        Assert.All(refused, r => Assert.True(r.RetryAfter >= TimeSpan.FromSeconds(1), $"Retry-After {r.RetryAfter}"));
        Assert.StartsWith("rate limit exceeded for this API key", refused[0].Error, StringComparison.Ordinal);

        // Another key is not slowed down, and the greedy one works again once it waits.
        Assert.Equal(HttpStatusCode.OK, (await calm.Http.GetAsync("api/stream")).StatusCode);
        await Task.Delay(refused.Max(r => r.RetryAfter!.Value));
        Assert.Equal(HttpStatusCode.OK, (await greedy.Http.GetAsync("api/stream")).StatusCode);
    }

    [Fact]
    public async Task An_address_that_keeps_guessing_keys_gets_429_but_its_known_keys_and_other_addresses_go_on()
    {
        var tenant = await Gw.NewTenantAsync();
        Assert.Equal(HttpStatusCode.OK, (await tenant.Http.GetAsync("api/stream")).StatusCode); // now in the key cache
        using var guesser = ClientFrom("127.0.0.77");
        var limit = Setting("Api__FailedAuthPerAddressPerMinute", 30);
        var statuses = new List<HttpStatusCode>();
        foreach (var chunk in Enumerable.Range(0, limit).Chunk(25))
        {
            statuses.AddRange(await Task.WhenAll(chunk.Select(async _ => (await SendAsync(guesser, NewKey())).StatusCode)));
        }
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));

        using var refused = await SendAsync(guesser, NewKey());
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), refused.Headers.ToString());
        Assert.StartsWith("too many failed authentication attempts from this address", (await Json.ErrorsAsync(refused))[0], StringComparison.Ordinal);
        // A key this gateway knows still works from that address; the guessing does not spill over to another address.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(guesser, tenant.Key)).StatusCode);
        using var neighbour = ClientFrom("127.0.0.78");
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(neighbour, NewKey())).StatusCode);
    }

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) ? value : fallback;

    private static string NewKey() => "sgk_" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "api/stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client.SendAsync(request);
    }

    /// <summary>A client whose connections leave from <paramref name="source"/>.</summary>
    private static HttpClient ClientFrom(string source) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = Gw.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
}
