namespace StreamGateway.Core.Live;

/// <summary>What a rendition looks like, for the master playlist.</summary>
public sealed record RenditionInfo(int? Width, int? Height, double? FrameRate, string? Codecs);
