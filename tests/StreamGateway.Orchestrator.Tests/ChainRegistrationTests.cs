using System.Numerics;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using StreamGateway.Network.Chain;

namespace StreamGateway.Orchestrator.Tests;

/// <summary>The orchestrator joins the pool on the anvil chain that `./dev test` starts.</summary>
public sealed class ChainRegistrationTests
{
    // anvil's well-known development account #4 (no other test uses it). The devnet deploy gives every anvil
    // account stake tokens, and this test sends only from this account, so it cannot race other tests' nonces.
    private const string OrchestratorKey = "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a";
    private static readonly BigInteger Lpt = BigInteger.Pow(10, 18);

    private static string Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v
        ? v
        : throw new InvalidOperationException($"{name} is not set: chain tests run against the anvil chain `./dev test` starts");

    [Fact]
    public async Task At_start_it_bonds_registers_and_publishes_its_service_uri_once()
    {
        var rpc = Env("SG_ETH_RPC");
        var controller = Env("SG_CONTROLLER");
        var self = new Account(OrchestratorKey).Address;

        var settings = new Dictionary<string, string?>
        {
            ["Chain:RpcUrl"] = rpc,
            ["Chain:Controller"] = controller,
            ["Chain:PrivateKey"] = OrchestratorKey,
            ["Chain:StakeWei"] = (4 * Lpt).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Chain:RewardCut"] = "250000",
        };
        var reader = new LivepeerPool(new Web3(rpc));
        var contracts = await reader.ResolveAsync(controller);

        int port;
        await using (var first = await RunningOrchestrator.StartAsync(settings: settings))
        {
            port = first.ServiceUri.Port;
            var entry = Assert.Single(await reader.ReadAsync(contracts, CancellationToken.None), p => p.Address.Equals(self, StringComparison.OrdinalIgnoreCase));
            Assert.Equal(4 * Lpt, entry.Stake);
            Assert.Equal(first.ServiceUri.ToString().TrimEnd('/'), entry.ServiceUri);
            Assert.Equal(250_000, (int)entry.RewardCut);
        }

        // A restart with the same settings changes nothing on chain: no second bond. (The chain is shared with other
        // tests that mine whole rounds, in which this orchestrator calls reward(): its stake may grow by a reward, far
        // less than a second bond of 4 tokens would add.)
        await using (await RunningOrchestrator.StartAsync(settings: settings, port: port))
        {
            var entry = Assert.Single(await reader.ReadAsync(contracts, CancellationToken.None), p => p.Address.Equals(self, StringComparison.OrdinalIgnoreCase));
            Assert.InRange(entry.Stake, 4 * Lpt, 5 * Lpt);
        }
    }

    [Fact]
    public async Task Without_enough_tokens_the_start_fails_with_a_clear_error()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Chain:RpcUrl"] = Env("SG_ETH_RPC"),
            ["Chain:Controller"] = Env("SG_CONTROLLER"),
            // A brand-new account: no stake tokens (the devnet gives them to anvil's own accounts only).
            ["Chain:PrivateKey"] = Nethereum.Signer.EthECKey.GenerateKey().GetPrivateKey(),
            ["Chain:StakeWei"] = (1 * Lpt).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => RunningOrchestrator.StartAsync(settings: settings));
        Assert.Contains("needs 1000000000000000000 more", error.Message);
    }
}
