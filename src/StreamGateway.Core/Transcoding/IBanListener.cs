namespace StreamGateway.Core.Transcoding;

/// <summary>Told when verification bans an orchestrator for confirmed bad work (for example, to slash it on chain).</summary>
public interface IBanListener
{
    /// <summary>Called on the banning node, once per ban; must return quickly (start any slow work in the background).</summary>
    void Banned(string orchestratorId, string reason);
}
