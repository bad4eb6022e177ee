using Google.Protobuf;
using Microsoft.Extensions.Options;
using StreamGateway.Network.Wire;

namespace StreamGateway.Orchestrator.Discovery;

/// <summary>
/// Builds the OrchestratorInfo sent by GetOrchestrator and inside every TranscodeResult. go-B replaces its stored
/// info with the latter, so both are complete (livepeer-wire §1.4). No ticket params until payments exist.
/// </summary>
public sealed class OrchestratorInfoFactory(IOptions<OrchestratorOptions> options)
{
    public OrchestratorInfo Create(AuthToken token)
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
        return info;
    }
}
