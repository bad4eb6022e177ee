using System.Net;
using System.Net.Sockets;

namespace StreamGateway.Core.Webhooks;

/// <summary>The destination is not a public address; such a delivery is never retried.</summary>
public sealed class WebhookAddressRefusedException(string message) : IOException(message);
