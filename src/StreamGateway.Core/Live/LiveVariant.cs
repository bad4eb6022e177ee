namespace StreamGateway.Core.Live;

/// <summary>A variant of a live stream's master playlist: its playlist folder, what it carries, and its peak bit rate.</summary>
public sealed record LiveVariant(string Name, RenditionInfo Picture, long Bandwidth);
