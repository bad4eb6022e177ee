using Grpc.Core;
using StreamGateway.Network.Transport;
using StreamGateway.Network.Wire;
using StreamGateway.Orchestrator.Sessions;

namespace StreamGateway.Orchestrator.Discovery;

/// <summary><c>net.Orchestrator</c> (livepeer-wire §2). Every GetOrchestrator answer opens a new session id.</summary>
public sealed class OrchestratorGrpcService(
    OrchestratorInfoFactory infos, AuthTokens tokens, SessionCapacity sessions, RenditionStore renditions,
    Payments.TicketIssuer tickets, Chain.OrchestratorAccount account, Transcoders.RemoteTranscoders transcoders)
    : Network.Wire.Orchestrator.OrchestratorBase
{
    /// <summary>go-O's refusals of a GetOrchestrator request (server/rpc.go), word for word.</summary>
    public const string SignatureRefused = "Invalid orchestrator request: orchestrator req sig check failed";
    public const string CapacityRefused = "Invalid orchestrator request: " + SessionCapacity.CappedError;

    public override async Task<OrchestratorInfo> GetOrchestrator(OrchestratorRequest request, ServerCallContext context)
    {
        // As go-O: on chain, every broadcaster must have signed the EIP-55 string of the address it sends (an empty
        // address counts as the zero address, which no one can sign for); offchain, nothing is checked, so an offchain
        // go-B (20 zero bytes, no signature) is served.
        if (account.OnChain && !SignedByItsAddress(request))
        {
            throw new RpcException(new Status(StatusCode.Unknown, SignatureRefused));
        }
        // Then capacity: a full orchestrator hands out no session it would refuse at /segment.
        if (!sessions.HasRoom(string.Empty))
        {
            throw new RpcException(new Status(StatusCode.Unknown, CapacityRefused));
        }
        // A priced orchestrator has no ticket params for a broadcaster that cannot pay (go-O fails the call the same way).
        if (tickets.Enabled && await tickets.ProblemAsync(request.Address.Memory) is { } problem)
        {
            throw new RpcException(new Status(StatusCode.Unknown, problem));
        }
        return infos.Create(tokens.Issue(), request.Address.Span);
    }

    private static bool SignedByItsAddress(OrchestratorRequest request)
    {
        var address = request.Address.Length == 20 ? request.Address.Span : new byte[20];
        var text = Nethereum.Util.AddressUtil.Current.ConvertToChecksumAddress(Convert.ToHexStringLower(address));
        return request.Address.Length is 0 or 20 &&
            BroadcasterIdentity.Verify(address, System.Text.Encoding.ASCII.GetBytes(text), request.Sig.Span);
    }

    public override Task<EndTranscodingSessionResponse> EndTranscodingSession(
        EndTranscodingSessionRequest request, ServerCallContext context)
    {
        // go-O checks the token but not its expiry here, then frees the session.
        if (tokens.Check(request.AuthToken) is { } error && error != "expired auth token")
        {
            throw new RpcException(new Status(StatusCode.Unknown, "Invalid auth token"));
        }
        sessions.Release(request.AuthToken.SessionId);
        renditions.DeleteSession(request.AuthToken.SessionId);
        transcoders.EndSession(request.AuthToken.SessionId);
        return Task.FromResult(new EndTranscodingSessionResponse());
    }

    /// <summary>go-O answers with its signature over the value; without an account we echo it.</summary>
    public override Task<PingPong> Ping(PingPong request, ServerCallContext context) =>
        Task.FromResult(new PingPong { Value = request.Value });
}
