using System.Numerics;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Nethereum.Web3;
using Nethereum.Web3.Accounts;
using StreamGateway.Network.Chain;

namespace StreamGateway.Tests.Integration.Chain;

[Function("mint", "bool")]
public sealed class MintFunction : FunctionMessage
{
    [Parameter("address", "to", 1)] public string To { get; set; } = "";
    [Parameter("uint256", "amount", 2)] public BigInteger Amount { get; set; }
}

/// <summary>The pool walk against the devnet contracts on the anvil chain that `./dev test` starts.</summary>
public sealed class LivepeerPoolTests
{
    // anvil's well-known development accounts (public test keys of its default mnemonic).
    private const string DeployerKey = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    // Accounts 6-8: 1-3 are the orchestrators `./dev` runs, 4 is the orchestrator registration test's.
    private static readonly string[] OrchestratorKeys =
    [
        "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
        "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
        "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
    ];
    private static readonly BigInteger Lpt = BigInteger.Pow(10, 18);

    private static string Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v
        ? v
        : throw new InvalidOperationException($"{name} is not set: chain tests run against the anvil chain `./dev test` starts");

    private static Web3 As(string key) => new(new Account(key, 31337), Env("SG_ETH_RPC"));

    [Fact]
    public async Task Bonded_orchestrators_are_listed_by_stake_with_their_service_uris()
    {
        var controller = Env("SG_CONTROLLER");
        var reader = new LivepeerPool(new Web3(Env("SG_ETH_RPC")));
        var contracts = await reader.ResolveAsync(controller);
        var deployer = As(DeployerKey);
        var token = await deployer.Eth.GetContractQueryHandler<GetContractFunction>()
            .QueryAsync<string>(controller, new GetContractFunction { Id = LivepeerPool.ContractId("LivepeerToken") });

        // Stakes 2/5/3 bonded in that order: the pool must still list them 5, 3, 2 (after the devnet's 50/30/20).
        var stakes = new long[] { 2, 5, 3 };
        var addresses = new List<string>();
        for (var i = 0; i < OrchestratorKeys.Length; i++)
        {
            var o = As(OrchestratorKeys[i]);
            var address = o.TransactionManager.Account.Address;
            addresses.Add(address);
            var amount = stakes[i] * Lpt;
            await Send(deployer, token, new MintFunction { To = address, Amount = amount });
            await Send(o, token, new ApproveFunction { Spender = contracts.BondingManager, Value = amount });
            await InRoundAsync(o, contracts.RoundsManager, () => Send(o, contracts.BondingManager, new BondFunction { Amount = amount, To = address }));
            await InRoundAsync(o, contracts.RoundsManager,
                () => Send(o, contracts.BondingManager, new TranscoderFunction { RewardCut = 100_000 * (i + 1), FeeShare = 500_000 }));
            await Send(o, contracts.ServiceRegistry, new SetServiceUriFunction { ServiceUri = $"https://127.0.0.1:{9 + i}" });
        }

        var pool = await reader.ReadAsync(contracts, CancellationToken.None);
        var ours = pool.Where(p => addresses.Contains(p.Address, StringComparer.OrdinalIgnoreCase)).ToList();
        Assert.Equal([5 * Lpt, 3 * Lpt, 2 * Lpt], ours.Select(p => p.Stake));
        Assert.Equal(["https://127.0.0.1:10", "https://127.0.0.1:11", "https://127.0.0.1:9"], ours.Select(p => p.ServiceUri));
        Assert.Equal([200_000, 300_000, 100_000], ours.Select(p => (int)p.RewardCut));
        Assert.Equal(pool.OrderByDescending(p => p.Stake).Select(p => p.Address), pool.Select(p => p.Address));
    }

    [Fact]
    public async Task The_devnet_orchestrators_joined_the_pool_by_stake_with_their_service_uris()
    {
        var reader = new LivepeerPool(new Web3(Env("SG_ETH_RPC")));
        var pool = await reader.ReadAsync(await reader.ResolveAsync(Env("SG_CONTROLLER")), CancellationToken.None);
        var uris = Env("SG_ORCHESTRATORS").Split(',');
        var devnet = pool.Where(p => uris.Contains(p.ServiceUri)).ToList();
        // Orchestrators 1-3 bonded themselves 50, 30 and 20 at start (./dev); rewards (each calls reward() every round)
        // only add to that, in proportion to stake, so the order holds.
        Assert.Equal(3, devnet.Count);
        Assert.True(devnet[0].Stake >= 50 * Lpt && devnet[1].Stake >= 30 * Lpt && devnet[2].Stake >= 20 * Lpt,
            string.Join(", ", devnet.Select(p => p.Stake)));
        Assert.Equal(uris, devnet.Select(p => p.ServiceUri));
        Assert.Equal(devnet.Select(p => p.Address), pool.Take(3).Select(p => p.Address));
        Assert.All(devnet, p => Assert.True(p.Active, $"{p.Address} is not active"));
    }

    /// <summary>Other tests' transactions mine blocks too, so a new round may have begun; stake only moves in an initialized one.</summary>
    private static async Task InitializeRoundIfNeededAsync(Web3 web3, string roundsManager)
    {
        if (!await web3.Eth.GetContractQueryHandler<CurrentRoundInitializedFunction>()
                .QueryAsync<bool>(roundsManager, new CurrentRoundInitializedFunction()))
        {
            await Send(web3, roundsManager, new InitializeRoundFunction());
        }
    }

    /// <summary>
    /// Runs a stake change in an initialized round. Other tests' transactions mine blocks, so a round can begin between
    /// the check and the change; and when the latest block is a round's last, the check (at that block) passes while
    /// the change (estimated for the next block, in the next round) reverts. Either way one block is mined, the new
    /// round initialized, and the change sent again.
    /// </summary>
    private static async Task InRoundAsync(Web3 web3, string roundsManager, Func<Task> change)
    {
        for (var tries = 1; ; tries++)
        {
            await InitializeRoundIfNeededAsync(web3, roundsManager);
            try
            {
                await change();
                return;
            }
            catch (Nethereum.ABI.FunctionEncoding.SmartContractRevertException e) when (tries < 5 && e.Message.Contains("round is not initialized", StringComparison.Ordinal))
            {
                await web3.Client.SendRequestAsync(new Nethereum.JsonRpc.Client.RpcRequest(tries, "evm_mine"));
            }
        }
    }

    private static async Task Send<T>(Web3 web3, string contract, T function) where T : FunctionMessage, new()
    {
        var receipt = await web3.Eth.GetContractTransactionHandler<T>().SendRequestAndWaitForReceiptAsync(contract, function);
        Assert.True(receipt.Status.Value == 1, $"{typeof(T).Name} to {contract} reverted");
    }
}
