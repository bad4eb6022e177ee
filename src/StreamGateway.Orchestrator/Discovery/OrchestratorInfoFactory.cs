using Google.Protobuf;
using Microsoft.Extensions.Options;
using StreamGateway.Network.Wire;

namespace StreamGateway.Orchestrator.Discovery;

/// <summary>
/// Builds the OrchestratorInfo sent by GetOrchestrator and inside every TranscodeResult. go-B replaces its stored
/// info with the latter, so both are complete (livepeer-wire §1.4). With a chain account, ticket params are made for the asking broadcaster.
/// </summary>
public sealed class OrchestratorInfoFactory(IOptions<OrchestratorOptions> options, Payments.TicketIssuer tickets)
{
    /// <param name="sender">The broadcaster's address; with a chain account, the info carries ticket params made for it.</param>
    public OrchestratorInfo Create(AuthToken token, ReadOnlySpan<byte> sender = default)
    {
        var o = options.Value;
        var info = new OrchestratorInfo
        {
            Transcoder = o.ServiceUri.TrimEnd('/'),
            // Reduced, as go-O's price (a rational) goes on the wire: price 0 is {0, 1}.
            PriceInfo = new PriceInfo { PricePerUnit = (long)tickets.Price.Numerator, PixelsPerUnit = (long)tickets.Price.Denominator },
            Capabilities = OrchestratorCapabilities.Describe(o.MaxSessions, o.LivepeerVersion),
            AuthToken = token,
        };
        if (!string.IsNullOrEmpty(o.EthereumAddress))
        {
            info.Address = ByteString.CopyFrom(Convert.FromHexString(o.EthereumAddress[2..]));
        }
        if (tickets.Create(sender) is { } ticketParams)
        {
            info.TicketParams = ticketParams;
        }
        return info;
    }
}
