using Grpc.Core;
using StreamGateway.Network.Transport;
using StreamGateway.Network.Wire;
using StreamGateway.Orchestrator.Sessions;

namespace StreamGateway.Orchestrator.Discovery;

/// <summary><c>net.Orchestrator</c> (livepeer-wire §2). Every GetOrchestrator answer opens a new session id.</summary>
public sealed class OrchestratorGrpcService(
    OrchestratorInfoFactory infos, AuthTokens tokens, SessionCapacity sessions, RenditionStore renditions,
    Payments.TicketIssuer tickets)
    : Network.Wire.Orchestrator.OrchestratorBase
{
    public override async Task<OrchestratorInfo> GetOrchestrator(OrchestratorRequest request, ServerCallContext context)
    {
        // As at an on-chain go-O: a broadcaster that names itself must have signed its EIP-55 address string.
        if (!request.Address.IsEmpty)
        {
            var address = request.Address.Length == 20
                ? Nethereum.Util.AddressUtil.Current.ConvertToChecksumAddress(Convert.ToHexStringLower(request.Address.Span))
                : null;
            if (address is null || !BroadcasterIdentity.Verify(request.Address.Span, System.Text.Encoding.ASCII.GetBytes(address), request.Sig.Span))
            {
                throw new RpcException(new Status(StatusCode.Unknown, "invalid signature"));
            }
        }
        // A priced orchestrator has no ticket params for a broadcaster that cannot pay (go-O fails the call the same way).
        if (tickets.Enabled && await tickets.ProblemAsync(request.Address.Memory) is { } problem)
        {
            throw new RpcException(new Status(StatusCode.Unknown, problem));
        }
        return infos.Create(tokens.Issue(), request.Address.Span);
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
        return Task.FromResult(new EndTranscodingSessionResponse());
    }

    /// <summary>go-O answers with its signature over the value; without an account we echo it.</summary>
    public override Task<PingPong> Ping(PingPong request, ServerCallContext context) =>
        Task.FromResult(new PingPong { Value = request.Value });
}
