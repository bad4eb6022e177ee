using Google.Protobuf;
using Microsoft.Extensions.Options;
using StreamGateway.Network.Wire;

namespace StreamGateway.Orchestrator.Discovery;

/// <summary>
/// Builds the OrchestratorInfo sent by GetOrchestrator and inside every TranscodeResult. go-B replaces its stored
/// info with the latter, so both are complete (livepeer-wire §1.4). With payments on, ticket params are made for the asking broadcaster.
/// </summary>
public sealed class OrchestratorInfoFactory(IOptions<OrchestratorOptions> options, Payments.TicketIssuer tickets)
{
    /// <param name="sender">The broadcaster's address; with payments on, the info carries ticket params made for it.</param>
    public OrchestratorInfo Create(AuthToken token, ReadOnlySpan<byte> sender = default)
    {
        var o = options.Value;
        var info = new OrchestratorInfo
        {
            Transcoder = o.ServiceUri.TrimEnd('/'),
            PriceInfo = new PriceInfo { PricePerUnit = o.PricePerUnit, PixelsPerUnit = o.PixelsPerUnit },
            Capabilities = OrchestratorCapabilities.Describe(o.MaxSessions),
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
