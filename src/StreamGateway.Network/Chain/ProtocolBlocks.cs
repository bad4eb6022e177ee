using System.Globalization;
using System.Numerics;
using Nethereum.Hex.HexTypes;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Web3;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace StreamGateway.Network.Chain;

/// <summary>
/// The block number the protocol counts in (livepeer-protocol: ticket expiry, params freshness, redemption). On
/// Arbitrum that is the L1 block the latest L2 block was made under (<c>l1BlockNumber</c> in the block the node
/// answers), not <c>eth_blockNumber</c>, which counts L2 blocks about 50 times faster; rounds are counted in L1 blocks
/// there too. On a chain whose blocks carry no such field (L1, a devnet) it is the block's own number, as go-livepeer's
/// block watcher reads it.
/// </summary>
public static class ProtocolBlocks
{
    /// <summary>The protocol's current block: <c>l1BlockNumber</c> of the latest block where present, else its number.</summary>
    public static async Task<BigInteger> LatestAsync(IWeb3 web3)
    {
        var block = await web3.Client.SendRequestAsync<JObject>(new Nethereum.JsonRpc.Client.RpcRequest(1, "eth_getBlockByNumber",
            BlockParameter.CreateLatest().GetRPCParam(), false));
        return FromBlock(block);
    }

    /// <summary>The protocol block of a block as the node answered it (JSON).</summary>
    public static BigInteger FromBlock(JObject block)
    {
        var l1 = block.Value<string>("l1BlockNumber");
        var own = block.Value<string>("number") ?? throw new JsonException("the block has no number");
        return new HexBigInteger(string.IsNullOrEmpty(l1) ? own : l1).Value;
    }

    public static BigInteger FromBlock(string json) =>
        FromBlock(JObject.Parse(json) ?? throw new JsonException(string.Create(CultureInfo.InvariantCulture, $"not a block: {json}")));
}
