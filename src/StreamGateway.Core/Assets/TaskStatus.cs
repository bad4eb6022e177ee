namespace StreamGateway.Core.Assets;

public sealed record TaskStatus(string Phase, long UpdatedAt, double? Progress, string? ErrorMessage, int? Retries);
