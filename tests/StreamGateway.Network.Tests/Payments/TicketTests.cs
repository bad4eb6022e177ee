using System.Numerics;
using StreamGateway.Network.Payments;
using StreamGateway.Network.Transport;

namespace StreamGateway.Network.Tests.Payments;

public sealed class TicketTests
{
    private static Ticket Zero(uint nonce = 0, long round = 0, string? blockHash = null) => new(
        new byte[20], new byte[20], 0, 0, nonce, new byte[32], round,
        blockHash is null ? new byte[32] : Convert.FromHexString(blockHash));

    [Fact]
    public void Go_livepeer_ticket_hash_vectors_pass()
    {
        // pm/ticket_test.go (livepeer-protocol §3.3).
        Assert.Equal("e1393fc7f6de093780674022f96cb8e3872235167d037c04d554e58c0e63d280",
            Convert.ToHexStringLower(Zero(nonce: 4294967295).Hash()));
        Assert.Equal("e502907c16036ab3d11b78c5a2e93c20f3d6415c67f91de4ed01348182b3b2e2",
            Convert.ToHexStringLower(Zero(nonce: 0, round: 10, blockHash: "41b1a0649752af1b28b3dc29a1556eee781e4a4c3a1f7f53f90fa834de098c4d").Hash()));
        Assert.Equal(64, Zero(round: 10).AuxData.Length);
        Assert.Empty(Zero().AuxData);
    }

    [Fact]
    public void Expected_value_and_win_probability_are_inverse()
    {
        var ev = new BigInteger(8_000_000_000);
        var face = ev * 100;
        var winProb = TicketMath.WinProb(ev, face);
        // Rounding up the 1/faceValue step never loses value: EV comes back exact or one wei above.
        var back = TicketMath.ExpectedValue(face, winProb);
        Assert.InRange(back, ev, ev + 1);
        Assert.Equal(Uint256.Max, TicketMath.WinProb(ev, ev));
        Assert.Equal(BigInteger.Zero, TicketMath.WinProb(ev, 0));
        Assert.Equal(face, TicketMath.ExpectedValue(face, Uint256.Max));
    }

    [Theory]
    [InlineData(0, 0, 100, 1)]          // always at least one ticket's worth of credit
    [InlineData(250, 0, 100, 3)]        // ceil(250 / 100)
    [InlineData(250, 120, 100, 2)]      // carried credit counts
    [InlineData(250, 300, 100, 0)]
    public void Tickets_per_segment_follow_the_credit_rule(long fee, long credit, long ev, int tickets) =>
        Assert.Equal(tickets, TicketMath.TicketsFor(fee, credit, ev));

    [Fact]
    public void The_fee_is_output_pixels_times_1_02_times_the_price()
    {
        // livepeer-protocol §3.5: 240p + 360p at 30 fps for 2 s at 1,200 wei per pixel.
        const long pixels = (426 * 240 + 640 * 360) * 30 * 2;
        Assert.Equal(19_958_400, pixels);
        Assert.Equal(new BigInteger(24_429_081_600), TicketMath.Fee(pixels, 1200, 1));
        Assert.Equal(new BigInteger(12_214_540_800), TicketMath.Fee(pixels, 1200, 2));
    }

    [Fact]
    public void A_signed_ticket_verifies_for_its_sender_only_and_wins_by_the_rule()
    {
        var sender = new BroadcasterIdentity();
        var other = new BroadcasterIdentity();
        var rand = new BigInteger(123456789);
        var ticket = Zero(round: 3) with
        {
            Sender = Convert.FromHexString(sender.Address[2..]),
            FaceValue = 1000,
            WinProb = Uint256.Max / 2,
            SenderNonce = 1,
            RecipientRandHash = TicketMath.RecipientRandHash(rand),
        };
        var sig = sender.SignHash(ticket.Hash());
        Assert.True(BroadcasterIdentity.VerifyHash(ticket.Sender, ticket.Hash(), sig));
        Assert.False(BroadcasterIdentity.VerifyHash(Convert.FromHexString(other.Address[2..]), ticket.Hash(), sig));
        Assert.False(BroadcasterIdentity.VerifyHash(ticket.Sender, (ticket with { SenderNonce = 2 }).Hash(), sig));

        // Certain and impossible tickets; then about half of 400 random tickets at winProb = max/2.
        Assert.True(TicketMath.IsWinning(sig, rand, Uint256.Max));
        Assert.False(TicketMath.IsWinning(sig, rand, 0));
        var wins = Enumerable.Range(1, 400).Count(n => TicketMath.IsWinning(sender.SignHash((ticket with { SenderNonce = (uint)n }).Hash()), rand, Uint256.Max / 2));
        Assert.InRange(wins, 155, 245); // binomial(400, 0.5): ±4.5 standard deviations
    }

    [Fact]
    public void Recipient_rand_depends_on_every_echoed_field()
    {
        byte[] secret = [1, 2, 3], seed = [9, 9], sender = new byte[20];
        var baseline = TicketMath.RecipientRand(secret, seed, sender, 10, 20, 30, 1, 1, []);
        Assert.Equal(baseline, TicketMath.RecipientRand(secret, seed, sender, 10, 20, 30, 1, 1, []));
        Assert.NotEqual(baseline, TicketMath.RecipientRand(secret, seed, sender, 11, 20, 30, 1, 1, []));
        Assert.NotEqual(baseline, TicketMath.RecipientRand(secret, seed, sender, 10, 20, 31, 1, 1, []));
        Assert.NotEqual(baseline, TicketMath.RecipientRand(secret, seed, sender, 10, 20, 30, 2, 1, []));
        Assert.NotEqual(baseline, TicketMath.RecipientRand([1, 2, 4], seed, sender, 10, 20, 30, 1, 1, []));
        Assert.Equal(32, TicketMath.RecipientRandHash(baseline).Length);
    }
}
