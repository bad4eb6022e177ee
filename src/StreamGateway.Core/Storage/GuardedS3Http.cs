using Amazon.Runtime;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Storage;

/// <summary>
/// HTTP clients for an object store a caller named (a transcode task's buckets): every connection goes through
/// <see cref="AddressGuard"/>, so an endpoint that is, or resolves to, a private address is refused unless allowed.
/// </summary>
public sealed class GuardedS3Http(bool allowPrivate) : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
        new(AddressGuard.CreateHandler(allowPrivate, "reach the bucket at"), disposeHandler: true);
}
