namespace StreamGateway.Core.Assets;

/// <summary>An asset's processing failed for a reason its owner should read (the asset's errorMessage).</summary>
public sealed class AssetFailedException(string message) : Exception(message);
