using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Microsoft.Extensions.Options;
using StreamGateway.Network.Wire;

namespace StreamGateway.Orchestrator.Transcoders;

/// <summary>
/// <c>net.Transcoder/RegisterTranscoder</c>: a transcoder joins with the shared secret and its capacity, and the call
/// stays open carrying one notice per segment until it disconnects. The refusals are go-O's words, which a go-livepeer
/// transcoder takes as final ("invalid secret", "zero capacity").
/// </summary>
public sealed class TranscoderGrpcService(RemoteTranscoders transcoders, IOptions<OrchestratorOptions> options) : Transcoder.TranscoderBase
{
    public const string SecretRefused = "invalid secret";
    public const string CapacityRefused = "zero capacity";

    /// <summary>Most sessions one transcoder may claim.</summary>
    private const int MaxCapacity = 1000;

    public override async Task RegisterTranscoder(RegisterRequest request, IServerStreamWriter<NotifySegment> responseStream, ServerCallContext context)
    {
        if (options.Value.TranscoderSecret is not { } secret ||
            !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(request.Secret), Encoding.UTF8.GetBytes(secret)))
        {
            throw new RpcException(new Status(StatusCode.Unknown, SecretRefused));
        }
        if (request.Capacity <= 0)
        {
            throw new RpcException(new Status(StatusCode.Unknown, CapacityRefused));
        }
        var worker = transcoders.Join((int)Math.Min(request.Capacity, MaxCapacity), context.Peer);
        var why = "disconnected";
        try
        {
            await foreach (var notice in worker.Reader.ReadAllAsync(context.CancellationToken))
            {
                await responseStream.WriteAsync(notice, context.CancellationToken);
            }
            why = "was dropped";
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
        }
        finally
        {
            transcoders.Leave(worker, why);
        }
    }
}
