using Microsoft.Extensions.Options;
using StreamGateway.Network.Transport;

namespace StreamGateway.Orchestrator.Chain;

/// <summary>
/// The orchestrator's chain account, as go-O's node account: with <c>Chain:RpcUrl</c> and <c>Chain:PrivateKey</c> set
/// the orchestrator is on chain, checks that broadcasters signed their GetOrchestrator request, and signs its results.
/// Without them it is offchain: it checks no signature and signs nothing, as go-O does.
/// </summary>
public sealed class OrchestratorAccount(IOptions<ChainOptions> chain)
{
    private readonly BroadcasterIdentity? _key =
        chain.Value.Enabled && !string.IsNullOrEmpty(chain.Value.PrivateKey) ? new BroadcasterIdentity(chain.Value.PrivateKey) : null;

    public bool OnChain => _key is not null;

    /// <summary><c>TranscodeData.sig</c> over the rendition files in profile order; null offchain.</summary>
    public byte[]? SignResults(IEnumerable<string> renditionPaths) => _key is null ? null : ResultSignature.Sign(_key, renditionPaths);
}
