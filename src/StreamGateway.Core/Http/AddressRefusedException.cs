namespace StreamGateway.Core.Http;

/// <summary>The destination is not a public address; a call refused for this is never retried.</summary>
public sealed class AddressRefusedException(string message) : IOException(message);
