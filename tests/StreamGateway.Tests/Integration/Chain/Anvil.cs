using System.Globalization;
using System.Net.Http.Json;

namespace StreamGateway.Tests.Integration.Chain;

/// <summary>The anvil chain `./dev test` starts, driven through its own JSON-RPC methods (balances, mining).</summary>
public static class Anvil
{
    public static string RpcUrl => Environment.GetEnvironmentVariable("SG_ETH_RPC") is { Length: > 0 } v
        ? v : throw new InvalidOperationException("SG_ETH_RPC is not set: chain tests run against the anvil chain `./dev test` starts");

    /// <summary>Calls one JSON-RPC method and fails the test on an error answer.</summary>
    public static async Task RpcAsync(string method, params object[] parameters)
    {
        using var rpc = new HttpClient();
        using var answer = await rpc.PostAsJsonAsync(RpcUrl, new { jsonrpc = "2.0", id = 1, method, @params = parameters });
        var body = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.IsSuccessStatusCode && !body.Contains("\"error\"", StringComparison.Ordinal), body);
    }

    /// <summary>Mines <paramref name="blocks"/> blocks at once.</summary>
    public static Task MineAsync(long blocks) => RpcAsync("anvil_mine", "0x" + blocks.ToString("x", CultureInfo.InvariantCulture));

    /// <summary>Gives an address 10 ETH.</summary>
    public static Task FundAsync(string address) => RpcAsync("anvil_setBalance", address, "0x8ac7230489e80000");
}
