using System.Numerics;
using System.Security.Cryptography;
using Nethereum.Contracts;
using Nethereum.Web3;
using StreamGateway.Network.Chain;
using StreamGateway.Network.Payments;

namespace StreamGateway.Tests.Integration.Chain;

/// <summary>The devnet TicketBroker on the suite's anvil chain hashes random tickets exactly as the C# code does.</summary>
public sealed class TicketHashParityTests
{
    private static string Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v
        ? v
        : throw new InvalidOperationException($"{name} is not set: chain tests run against the anvil chain `./dev test` starts");

    [Fact]
    public async Task Random_tickets_hash_the_same_on_chain_and_in_csharp()
    {
        var web3 = new Web3(Env("SG_ETH_RPC"));
        var broker = (await new LivepeerPool(web3).ResolveAsync(Env("SG_CONTROLLER"))).TicketBroker;
        var query = web3.Eth.GetContractQueryHandler<GetTicketHashFunction>();
        for (var i = 0; i < 25; i++)
        {
            var ticket = new Ticket(
                RandomNumberGenerator.GetBytes(20), RandomNumberGenerator.GetBytes(20),
                Uint256.FromBytes(RandomNumberGenerator.GetBytes(i % 5 == 0 ? 32 : 12)),
                Uint256.FromBytes(RandomNumberGenerator.GetBytes(32)),
                (uint)RandomNumberGenerator.GetInt32(int.MaxValue),
                RandomNumberGenerator.GetBytes(32),
                i % 7 == 0 ? BigInteger.Zero : new BigInteger(RandomNumberGenerator.GetInt32(1, 1_000_000)),
                i % 7 == 0 ? new byte[32] : RandomNumberGenerator.GetBytes(32));
            var onChain = await query.QueryAsync<byte[]>(broker, new GetTicketHashFunction { Ticket = TicketStruct.From(ticket) });
            Assert.Equal(Convert.ToHexStringLower(ticket.Hash()), Convert.ToHexStringLower(onChain));
        }
    }
}
