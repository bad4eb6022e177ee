using System.Net;
using System.Numerics;
using Google.Protobuf;
using StreamGateway.Network.Payments;
using StreamGateway.Network.Transport;
using StreamGateway.Network.Wire;

namespace StreamGateway.Orchestrator.Tests;

/// <summary>A priced orchestrator on the suite's anvil chain checks every ticket before it works.</summary>
[Collection(AnvilAccount5.Name)]
public sealed class PaymentTests(TestSegment source) : IClassFixture<TestSegment>
{
    // anvil's development account #5, used by no other test.
    private const string OrchestratorKey = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";
    private static readonly VideoProfile P240 = new() { Name = "240p", Width = 426, Height = 240, Bitrate = 250_000 };

    internal static string Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v
        ? v
        : throw new InvalidOperationException($"{name} is not set: chain tests run against the anvil chain `./dev test` starts");

    /// <summary>An on-chain orchestrator as anvil account 5, priced.</summary>
    internal static Dictionary<string, string?> Settings() => new()
    {
        ["Chain:RpcUrl"] = Env("SG_ETH_RPC"),
        ["Chain:Controller"] = Env("SG_CONTROLLER"),
        ["Chain:PrivateKey"] = OrchestratorKey,
        ["Chain:StakeWei"] = "1000000000000000000",
        ["Orchestrator:PricePerUnit"] = "1000",
        ["Payments:TicketEvWei"] = "1000000000000000",
        ["Payments:FaceValueWei"] = "10000000000000000",
        ["Payments:ExpirationBlocks"] = "20", // room for a loaded machine between asking and paying
        ["Payments:PollSeconds"] = "1",
    };

    private static Payment Pay(BroadcasterIdentity sender, TicketParams p, IEnumerable<uint> nonces, BroadcasterIdentity? signer = null)
    {
        var payment = sender.Payment();
        payment.TicketParams = new TicketParams
        {
            Recipient = p.Recipient, FaceValue = p.FaceValue, WinProb = p.WinProb, RecipientRandHash = p.RecipientRandHash,
            Seed = p.Seed, ExpirationBlock = p.ExpirationBlock,
        };
        payment.ExpirationParams = p.ExpirationParams;
        foreach (var nonce in nonces)
        {
            var ticket = new Ticket(p.Recipient.ToByteArray(), payment.Sender.ToByteArray(), Uint256.FromBytes(p.FaceValue.Span),
                Uint256.FromBytes(p.WinProb.Span), nonce, Uint256.Pad32(p.RecipientRandHash.Span), p.ExpirationParams.CreationRound,
                Uint256.Pad32(p.ExpirationParams.CreationRoundBlockHash.Span));
            payment.TicketSenderParams.Add(new TicketSenderParams { SenderNonce = nonce, Sig = ByteString.CopyFrom((signer ?? sender).SignHash(ticket.Hash())) });
        }
        return payment;
    }

    /// <summary>A new broadcaster account with ETH (anvil_setBalance) and TicketBroker funds (1 ETH each of deposit and reserve unless told).</summary>
    private static async Task<BroadcasterIdentity> FundedSenderAsync(BigInteger? deposit = null, BigInteger? reserve = null)
    {
        var key = Nethereum.Signer.EthECKey.GenerateKey();
        var address = key.GetPublicAddress();
        using (var http = new HttpClient())
        {
            var body = $$"""{"jsonrpc":"2.0","id":1,"method":"anvil_setBalance","params":["{{address}}","0x56BC75E2D63100000"]}""";
            using var set = await http.PostAsync(Env("SG_ETH_RPC"), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            set.EnsureSuccessStatusCode();
        }
        var web3 = new Nethereum.Web3.Web3(new Nethereum.Web3.Accounts.Account(key.GetPrivateKey(), 31337), Env("SG_ETH_RPC"));
        var broker = (await new StreamGateway.Network.Chain.LivepeerPool(web3).ResolveAsync(Env("SG_CONTROLLER"))).TicketBroker;
        var ether = BigInteger.Pow(10, 18);
        var (d, r) = (deposit ?? ether, reserve ?? ether);
        var receipt = await web3.Eth.GetContractTransactionHandler<StreamGateway.Network.Chain.FundDepositAndReserveFunction>().SendRequestAndWaitForReceiptAsync(broker,
            new StreamGateway.Network.Chain.FundDepositAndReserveFunction { DepositAmount = d, ReserveAmount = r, AmountToSend = d + r });
        Assert.Equal(1, (int)receipt.Status.Value);
        return new BroadcasterIdentity(key.GetPrivateKey());
    }

    internal static async Task<OrchestratorInfo> AskAsync(RunningOrchestrator o, BroadcasterIdentity sender)
    {
        for (var i = 0; i < 40; i++)
        {
            var info = await o.Client.GetOrchestratorAsync(sender.Request());
            if (info.TicketParams is not null)
            {
                return info;
            }
            await Task.Delay(250); // the chain is read a moment after start
        }
        throw new TimeoutException("the orchestrator never offered ticket params");
    }

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(RunningOrchestrator o, BroadcasterIdentity sender, OrchestratorInfo info, long seq, Payment payment)
    {
        var segment = RunningOrchestrator.Segment(info.AuthToken, seq, source.Bytes, P240);
        sender.SignSegment(segment, ["240p"]);
        using var response = await o.PostSegmentAsync(segment, source.Bytes, LivepeerHeaders.Encode(payment));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task On_chain_it_serves_only_signed_requests_and_at_price_0_offers_zero_value_ticket_params_and_signs_its_results()
    {
        var settings = Settings();
        settings["Orchestrator:PricePerUnit"] = "0";
        await using var o = await RunningOrchestrator.StartAsync(settings: settings);

        // As an on-chain go-O: an offchain go-B's request (20 zero bytes, no signature), an empty one and a forged one
        // are refused in go-O's words.
        var forged = new BroadcasterIdentity().Request();
        forged.Address = new BroadcasterIdentity().Request().Address;
        foreach (var request in new[] { new OrchestratorRequest { Address = ByteString.CopyFrom(new byte[20]) }, new OrchestratorRequest(), forged })
        {
            var refused = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await o.Client.GetOrchestratorAsync(request));
            Assert.Equal((Grpc.Core.StatusCode.Unknown, Discovery.OrchestratorGrpcService.SignatureRefused), (refused.StatusCode, refused.Status.Detail));
        }

        // Free, it still offers ticket params (an on-chain go-B skips an orchestrator without them): nothing to win, a
        // live expiry, and the price as a reduced rational.
        var broadcaster = new BroadcasterIdentity();
        var info = await AskAsync(o, broadcaster);
        Assert.Equal((0L, 1L), (info.PriceInfo.PricePerUnit, info.PriceInfo.PixelsPerUnit));
        Assert.True(info.TicketParams.FaceValue.IsEmpty && info.TicketParams.WinProb.IsEmpty, "face value and win probability are 0");
        var block = await StreamGateway.Network.Chain.ProtocolBlocks.LatestAsync(new Nethereum.Web3.Web3(Env("SG_ETH_RPC")));
        Assert.True(Uint256.FromBytes(info.TicketParams.ExpirationBlock.Span) > block);
        Assert.Equal(20, info.Address.Length);

        // What go-B sends at price 0 (its address and the expected price, no tickets) gets the segment transcoded, and
        // the result is signed by the orchestrator's address over the bytes it serves.
        var segment = RunningOrchestrator.Segment(info.AuthToken, 1, source.Bytes, P240);
        broadcaster.SignSegment(segment, ["240p"]);
        var payment = broadcaster.Payment();
        payment.ExpectedPrice = info.PriceInfo;
        using var response = await o.PostSegmentAsync(segment, source.Bytes, LivepeerHeaders.Encode(payment));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, System.Text.Encoding.UTF8.GetString(bytes));
        var result = TranscodeResult.Parser.ParseFrom(bytes);
        Assert.True(result.ResultCase == TranscodeResult.ResultOneofCase.Data, result.Error);
        Assert.Equal(65, result.Data.Sig.Length);
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, await o.Http.GetByteArrayAsync(result.Data.Segments[0].Url));
            Assert.Equal(info.Address.ToByteArray(), ResultSignature.Signer(info));
            Assert.True(ResultSignature.Verify(info.Address.Span, [file], result.Data.Sig.Span), "go-B's check of the result signature");
            // One byte changed in transit and the check fails.
            var tampered = await File.ReadAllBytesAsync(file);
            tampered[^1] ^= 1;
            await File.WriteAllBytesAsync(file, tampered);
            Assert.False(ResultSignature.Verify(info.Address.Span, [file], result.Data.Sig.Span));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_face_value_is_capped_by_the_senders_reserve_share_and_a_sender_without_reserve_is_refused()
    {
        await using var o = await RunningOrchestrator.StartAsync(settings: Settings());
        var web3 = new Nethereum.Web3.Web3(Env("SG_ETH_RPC"));
        var bonding = (await new StreamGateway.Network.Chain.LivepeerPool(web3).ResolveAsync(Env("SG_CONTROLLER"))).BondingManager;
        async Task<BigInteger> PoolSizeAsync() => await web3.Eth.GetContractQueryHandler<StreamGateway.Network.Chain.GetTranscoderPoolSizeFunction>()
            .QueryAsync<BigInteger>(bonding, new StreamGateway.Network.Chain.GetTranscoderPoolSizeFunction());

        // A reserve worth 0.004 ETH per orchestrator in the pool: under the 0.01 ETH face value this node asks for,
        // over its 0.001 ETH ticket EV. The node offers tickets worth its share of the reserve.
        var share = BigInteger.Parse("4000000000000000");
        var before = await PoolSizeAsync();
        var small = await FundedSenderAsync(reserve: share * before);
        var p = (await AskAsync(o, small)).TicketParams;
        var after = await PoolSizeAsync();
        var faceValue = Uint256.FromBytes(p.FaceValue.Span);
        Assert.True(faceValue == share || faceValue == share * before / after, $"face value {faceValue} for a share of {share} in a pool of {before}");
        var ev = TicketMath.ExpectedValue(faceValue, Uint256.FromBytes(p.WinProb.Span));
        Assert.InRange(ev, BigInteger.Parse("1000000000000000"), BigInteger.Parse("1000000000000001"));

        // A deposit alone stands behind no ticket: the reserve is what an orchestrator can count on.
        var noReserve = await FundedSenderAsync(reserve: BigInteger.Zero);
        var refused = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await o.Client.GetOrchestratorAsync(noReserve.Request()));
        Assert.Contains("insufficient sender reserve", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unpaid_sessions_take_no_capacity_so_a_paying_gateway_still_gets_a_session_and_its_segment()
    {
        const int capacity = 1;
        await using var o = await RunningOrchestrator.StartAsync(maxSessions: capacity, settings: Settings());
        var payer = await FundedSenderAsync();
        var paid = await AskAsync(o, payer);
        var second = await AskAsync(o, payer);

        // An unfunded broadcaster gets no session at all on chain (go-O's reserve check).
        var unfunded = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await o.Client.GetOrchestratorAsync(new BroadcasterIdentity().Request()));
        Assert.Equal("insufficient sender reserve", unfunded.Status.Detail);

        // More sessions than the node has room for, from a funded broadcaster that sends no tickets.
        var freeloader = await FundedSenderAsync();
        for (var i = 0; i <= capacity; i++)
        {
            var unpaid = await AskAsync(o, freeloader);
            Assert.Equal((HttpStatusCode.BadRequest, "Insufficient balance\n"), await SendAsync(o, freeloader, unpaid, 1, freeloader.Payment()));
        }

        // The paying gateway gets its session and its renditions. Its tickets are made on params asked for now: the
        // suite's economics tests move the shared chain on by whole rounds, which can expire params a few seconds old.
        var tickets = (await AskAsync(o, payer)).TicketParams;
        var segment = RunningOrchestrator.Segment(paid.AuthToken, 1, source.Bytes, P240);
        payer.SignSegment(segment, ["240p"]);
        using (var response = await o.PostSegmentAsync(segment, source.Bytes, LivepeerHeaders.Encode(Pay(payer, tickets, [1, 2]))))
        {
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, System.Text.Encoding.UTF8.GetString(bytes));
            var result = TranscodeResult.Parser.ParseFrom(bytes);
            Assert.True(result.ResultCase == TranscodeResult.ResultOneofCase.Data, result.Error);
        }

        // Paid sessions still count: a second one beyond the capacity is capped before its tickets are taken, and no
        // further session is handed out.
        Assert.Equal((HttpStatusCode.Forbidden, "OrchestratorCapped\n"), await SendAsync(o, payer, second, 1, Pay(payer, second.TicketParams, [1])));
        var full = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await o.Client.GetOrchestratorAsync(payer.Request()));
        Assert.Equal("Invalid orchestrator request: OrchestratorCapped", full.Status.Detail);
    }

    [Fact]
    public async Task Nonces_of_expired_params_and_balances_of_idle_sessions_are_forgotten()
    {
        var settings = Settings();
        settings["Payments:ExpirationBlocks"] = "12";
        settings["Payments:BalanceIdleSeconds"] = "3";
        await using var o = await RunningOrchestrator.StartAsync(settings: settings);
        var ledger = (Payments.PaymentLedger)o.Services.GetService(typeof(Payments.PaymentLedger))!;
        var sender = await FundedSenderAsync();
        var info = await AskAsync(o, sender);

        var (status, body) = await SendAsync(o, sender, info, 1, Pay(sender, info.TicketParams, [1, 2]));
        Assert.True(status == HttpStatusCode.OK, body);
        // Usually (1, 1); once, in a full run on a loaded machine, (2, 2) (not understood yet): what matters is that
        // the payment left entries, and that the sweep below empties them.
        Assert.True(ledger.Tracked is { TicketParams: >= 1, Balances: >= 1 }, $"{ledger.Tracked}");

        // anvil makes a block a second: the params expire within twelve, the session has been idle for three by then.
        var until = DateTime.UtcNow.AddSeconds(60);
        while (ledger.Tracked != (0, 0) && DateTime.UtcNow < until)
        {
            await Task.Delay(500);
        }
        Assert.Equal((0, 0), ledger.Tracked);
        // Forgotten nonces cannot be replayed: their params are refused as expired.
        (status, body) = await SendAsync(o, sender, info, 2, Pay(sender, info.TicketParams, [1, 2]));
        Assert.Equal((HttpStatusCode.BadRequest, "ticket params expired\n"), (status, body));
    }

    [Fact]
    public async Task Valid_tickets_buy_work_and_replayed_forged_missing_or_expired_ones_do_not()
    {
        await using var o = await RunningOrchestrator.StartAsync(settings: Settings());
        var sender = await FundedSenderAsync();
        var info = await AskAsync(o, sender);
        var p = info.TicketParams;
        Assert.Equal(new Nethereum.Web3.Accounts.Account(OrchestratorKey).Address.ToLowerInvariant(), "0x" + Convert.ToHexStringLower(p.Recipient.Span));
        Assert.Equal(BigInteger.Parse("10000000000000000"), Uint256.FromBytes(p.FaceValue.Span));
        Assert.Equal(1000, info.PriceInfo.PricePerUnit);
        var ev = TicketMath.ExpectedValue(Uint256.FromBytes(p.FaceValue.Span), Uint256.FromBytes(p.WinProb.Span));
        Assert.InRange(ev, BigInteger.Parse("1000000000000000"), BigInteger.Parse("1000000000000001"));

        var (status, body) = await SendAsync(o, sender, info, 1, Pay(sender, p, [1, 2]));
        Assert.True(status == HttpStatusCode.OK, body);

        (status, body) = await SendAsync(o, sender, info, 2, Pay(sender, p, [2, 3]));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid ticket senderNonce 2\n"), (status, body));

        (status, body) = await SendAsync(o, sender, info, 3, Pay(sender, p, [10], signer: new BroadcasterIdentity()));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid ticket signature\n"), (status, body));

        // A new session with no tickets has no credit.
        var other = await AskAsync(o, sender);
        (status, body) = await SendAsync(o, sender, other, 1, sender.Payment());
        Assert.Equal((HttpStatusCode.BadRequest, "Insufficient balance\n"), (status, body));

        // A broadcaster with nothing on deposit is refused at once, with the reason.
        var unfunded = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await o.Client.GetOrchestratorAsync(new BroadcasterIdentity().Request()));
        Assert.Contains("insufficient sender reserve", unfunded.Status.Detail, StringComparison.Ordinal);

        // anvil makes a block a second; twenty blocks on, the params have expired.
        var until = DateTime.UtcNow.AddSeconds(60);
        uint nonce = 20;
        do
        {
            await Task.Delay(1000);
            (status, body) = await SendAsync(o, sender, info, 4, Pay(sender, p, [nonce++]));
        } while (body != "ticket params expired\n" && DateTime.UtcNow < until);
        Assert.Equal((HttpStatusCode.BadRequest, "ticket params expired\n"), (status, body));
    }
}

/// <summary>The test classes whose orchestrators use anvil account 5: one at a time, or their transactions collide.</summary>
[CollectionDefinition(Name)]
public sealed class AnvilAccount5
{
    public const string Name = "anvil account 5";
}
