using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using StreamGateway.Core.Accounts;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Economics;

public static partial class NetworkEndpoints
{
    public static RouteGroupBuilder MapNetwork(this RouteGroupBuilder api)
    {
        api.MapGet("/network", NetworkAsync).AddEndpointFilter<RequireAdmin>().WithTags("Admin")
            .WithName("getNetwork").WithSummary("The network's round, inflation, bonding and each orchestrator's rewards and fees (admin)")
            .Produces<NetworkResource>().Produces<ErrorBody>(StatusCodes.Status404NotFound).Produces<ErrorBody>(StatusCodes.Status502BadGateway);
        api.MapGet("/network/delegator/{address}", DelegatorAsync).AddEndpointFilter<RequireAdmin>().WithTags("Admin")
            .WithName("getDelegator").WithSummary("One address's bond, pending stake and fees, and unbonding locks (admin)")
            .Produces<DelegatorResource>().Produces<ErrorBody>(StatusCodes.Status404NotFound)
            .Produces<ErrorBody>(StatusCodes.Status422UnprocessableEntity).Produces<ErrorBody>(StatusCodes.Status502BadGateway);
        api.MapGet("/network/slashes", async (Slasher slasher) => TypedResults.Ok(await slasher.ListAsync()))
            .AddEndpointFilter<RequireAdmin>().WithTags("Admin")
            .WithName("getSlashes").WithSummary("Slashings this gateway submitted, newest first (admin)")
            .Produces<SlashRecord[]>();
        return api;
    }

    [GeneratedRegex("^0x[0-9a-fA-F]{40}$")]
    private static partial Regex AddressPattern();

    private const string NoChain = "this gateway reads no chain (Transcoding:RpcUrl and Transcoding:Controller are unset)";

    private static async Task<IResult> NetworkAsync(NetworkView view, ILoggerFactory logs, CancellationToken ct)
    {
        if (!view.Available)
        {
            return ApiError.NotFound(NoChain);
        }
        return await ReadAsync(() => view.NetworkAsync(ct), logs);
    }

    private static async Task<IResult> DelegatorAsync(string address, NetworkView view, ILoggerFactory logs, CancellationToken ct)
    {
        if (!view.Available)
        {
            return ApiError.NotFound(NoChain);
        }
        if (!AddressPattern().IsMatch(address))
        {
            return ApiError.Unprocessable(["address: an Ethereum address, 0x and 40 hex digits"]);
        }
        return await ReadAsync(() => view.DelegatorAsync(address, ct), logs);
    }

    /// <summary>A chain that does not answer, or contracts that do not read, are the upstream's fault: 502 with why.</summary>
    private static async Task<IResult> ReadAsync<T>(Func<Task<T>> read, ILoggerFactory logs)
    {
        try
        {
            return TypedResults.Ok(await read());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logs.CreateLogger(typeof(NetworkEndpoints)).LogWarning("Reading the network's economics failed: {Error}", e.Message);
            return ApiError.Status(StatusCodes.Status502BadGateway, $"the chain could not be read: {e.Message}");
        }
    }
}
