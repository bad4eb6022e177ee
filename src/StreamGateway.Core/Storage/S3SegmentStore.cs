using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;

namespace StreamGateway.Core.Storage;

/// <summary>
/// Media in an S3-compatible object store, through AWSSDK.S3, so every gateway node sees every file. Keys are the
/// store's keys as they are (<c>live/…</c>, <c>vod/…</c>). Large files go up in parts, each local
/// file is deleted once stored, and a missing object reads as null.
/// </summary>
public sealed class S3SegmentStore : ISegmentStore, IRangedSegmentStore, IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly S3StorageOptions _options;
    private bool _multiDelete = true;
    private bool _serverCopy = true;
    private readonly SemaphoreSlim _writers;
    /// <summary>The gateway's own media store (measured in /metrics), not a caller's bucket.</summary>
    private readonly bool _ownStore;

    public S3SegmentStore(IOptions<StorageOptions> options)
        : this(options.Value.S3, http: null)
    {
    }

    /// <summary>A store on <paramref name="options"/>'s bucket (the gateway's own, or a caller's for a transcode task).</summary>
    /// <param name="http">Where the SDK gets its HTTP clients (one that refuses private addresses, for a caller's endpoint); null for the SDK's own.</param>
    public S3SegmentStore(S3StorageOptions options, HttpClientFactory? http)
    {
        _options = options;
        _ownStore = http is null;
        _writers = new SemaphoreSlim(_options.MaxOpenWriters, _options.MaxOpenWriters);
        // Checksums only where S3 requires them: the SDK's default aws-chunked uploads with trailing checksums are not
        // understood by every S3-compatible store.
        var config = new AmazonS3Config
        {
            ForcePathStyle = _options.ForcePathStyle,
            AuthenticationRegion = _options.Region,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (http is not null)
        {
            config.HttpClientFactory = http;
            config.MaxErrorRetry = 2;
            config.Timeout = TimeSpan.FromSeconds(60);
        }
        if (!string.IsNullOrEmpty(_options.ServiceUrl))
        {
            config.ServiceURL = _options.ServiceUrl;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(_options.Region);
        }
        _client = string.IsNullOrEmpty(_options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(_options.AccessKey, _options.SecretKey), config);
    }

    /// <summary>
    /// One PUT below <see cref="S3StorageOptions.MultipartFromBytes"/>, else a multipart upload in parts of that size
    /// (a <see cref="PartWriter"/>, aborted on failure). Bodies are sent plainly (no aws-chunked framing), which every
    /// S3-compatible store reads.
    /// </summary>
    public async Task PutFileAsync(string key, string localPath, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (new FileInfo(localPath).Length < _options.MultipartFromBytes)
        {
            await _client.PutObjectAsync(Described(new PutObjectRequest { BucketName = _options.Bucket, Key = key, FilePath = localPath, UseChunkEncoding = false }), ct);
        }
        else
        {
            await using var writer = new PartWriter(this, key);
            await using (var file = new FileStream(localPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16,
                             FileOptions.Asynchronous | FileOptions.SequentialScan))
            {
                await CopyAsync(file, writer, ct);
            }
            await writer.CommitAsync(ct);
        }
        File.Delete(localPath);
        if (_ownStore)
        {
            Health.GatewayMetrics.StoreWriteDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds,
                Health.GatewayMetrics.Tag("backend", "s3"));
        }
    }

    private static async Task CopyAsync(System.IO.Stream input, StoreWriter writer, CancellationToken ct)
    {
        var chunk = new byte[1 << 16];
        int read;
        while ((read = await input.ReadAsync(chunk, ct)) > 0)
        {
            await writer.WriteAsync(chunk.AsMemory(0, read), ct);
        }
    }

    public Task<StoreWriter> OpenWriteAsync(string key, CancellationToken ct)
    {
        if (!_writers.Wait(0, CancellationToken.None))
        {
            throw new StoreBusyException($"this node is already writing {_options.MaxOpenWriters} uploads into the store (Storage:S3:MaxOpenWriters)");
        }
        return Task.FromResult<StoreWriter>(new PartWriter(this, key, _writers));
    }

    /// <summary>
    /// Holds at most <see cref="S3StorageOptions.MultipartFromBytes"/> in memory: each time that much has arrived it goes
    /// up as one part of a multipart upload (started then); on commit the rest goes up as the last part, or as one PUT
    /// when the object is smaller than a part. An uncommitted writer aborts its multipart upload.
    /// </summary>
    private sealed class PartWriter(S3SegmentStore store, string key, SemaphoreSlim? slot = null) : StoreWriter
    {
        private readonly MemoryStream _buffer = new();
        private readonly List<PartETag> _parts = [];
        private string? _uploadId;
        private bool _committed;

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
        {
            while (data.Length > 0)
            {
                var room = (int)Math.Min(data.Length, store._options.MultipartFromBytes - _buffer.Length);
                _buffer.Write(data.Span[..room]);
                data = data[room..];
                Written += room;
                if (_buffer.Length >= store._options.MultipartFromBytes)
                {
                    _uploadId ??= (await store._client.InitiateMultipartUploadAsync(
                        Described(new InitiateMultipartUploadRequest { BucketName = store._options.Bucket, Key = key }), ct)).UploadId;
                    _parts.Add(await store.UploadBufferedPartAsync(key, _uploadId, _parts.Count + 1, _buffer, ct));
                }
            }
        }

        public override async Task CommitAsync(CancellationToken ct)
        {
            if (_uploadId is null)
            {
                _buffer.Position = 0;
                await store._client.PutObjectAsync(Described(new PutObjectRequest
                {
                    BucketName = store._options.Bucket, Key = key, InputStream = _buffer, AutoCloseStream = false, UseChunkEncoding = false,
                }), ct);
            }
            else
            {
                if (_buffer.Length > 0)
                {
                    _parts.Add(await store.UploadBufferedPartAsync(key, _uploadId, _parts.Count + 1, _buffer, ct));
                }
                await store._client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = store._options.Bucket, Key = key, UploadId = _uploadId, PartETags = _parts,
                }, ct);
            }
            _committed = true;
        }

        public override long? FreeBytes() => null;

        public override async ValueTask DisposeAsync()
        {
            if (!_committed && _uploadId is not null)
            {
                try
                {
                    await store._client.AbortMultipartUploadAsync(store._options.Bucket, key, _uploadId, CancellationToken.None);
                }
                catch (AmazonServiceException)
                {
                    // the store forgets an abandoned multipart upload by its own lifecycle rules
                }
            }
            await _buffer.DisposeAsync();
            slot?.Release();
        }
    }

    /// <summary>
    /// One part is copied inside the store. Several go through this node in order, without touching its disk: up to
    /// <see cref="S3StorageOptions.MultipartFromBytes"/> in memory at a time, each full buffer one part of a multipart upload.
    /// </summary>
    public async Task ComposeAsync(string key, IReadOnlyList<string> parts, CancellationToken ct)
    {
        var copied = _serverCopy && parts.Count == 1
            && (await _client.GetObjectMetadataAsync(_options.Bucket, parts[0], ct)).ContentLength <= MaxCopyBytes
            && await TryCopyAsync(parts[0], key, ct);
        if (!copied)
        {
            await ComposeThroughAsync(key, parts, ct);
        }
        foreach (var part in parts)
        {
            await DeleteAsync(part, ct);
        }
    }

    /// <summary>
    /// A copy inside the store; false, and no more tries, where the store does not understand one (s3rver reads the
    /// SDK's copy source as a missing bucket).
    /// </summary>
    private async Task<bool> TryCopyAsync(string from, string key, CancellationToken ct)
    {
        try
        {
            var copy = new CopyObjectRequest
            {
                SourceBucket = _options.Bucket,
                SourceKey = from,
                DestinationBucket = _options.Bucket,
                DestinationKey = key,
                MetadataDirective = S3MetadataDirective.REPLACE,
                ContentType = ObjectHeaders.ContentType(key),
            };
            copy.Headers.CacheControl = ObjectHeaders.CacheControl(key);
            await _client.CopyObjectAsync(copy, ct);
            return true;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "NoSuchBucket" or "NotImplemented")
        {
            _serverCopy = false;
            return false;
        }
    }

    /// <summary>Media type and caching for viewers who fetch the object straight from the store.</summary>
    private static PutObjectRequest Described(PutObjectRequest request)
    {
        request.ContentType = ObjectHeaders.ContentType(request.Key);
        request.Headers.CacheControl = ObjectHeaders.CacheControl(request.Key);
        return request;
    }

    private static InitiateMultipartUploadRequest Described(InitiateMultipartUploadRequest request)
    {
        request.ContentType = ObjectHeaders.ContentType(request.Key);
        request.Headers.CacheControl = ObjectHeaders.CacheControl(request.Key);
        return request;
    }

    /// <summary>The largest object one CopyObject may copy.</summary>
    private const long MaxCopyBytes = 5L * 1024 * 1024 * 1024;

    private async Task ComposeThroughAsync(string key, IReadOnlyList<string> parts, CancellationToken ct)
    {
        await using var writer = new PartWriter(this, key);
        foreach (var part in parts)
        {
            await using var input = await OpenReadAsync(part, ct) ?? throw new InvalidOperationException($"the part {part} is missing");
            await CopyAsync(input, writer, ct);
        }
        await writer.CommitAsync(ct);
    }

    private async Task<PartETag> UploadBufferedPartAsync(string key, string uploadId, int number, MemoryStream buffer, CancellationToken ct)
    {
        using var body = new MemoryStream(buffer.GetBuffer(), 0, (int)buffer.Length, writable: false);
        var part = await _client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = _options.Bucket,
            Key = key,
            UploadId = uploadId,
            PartNumber = number,
            InputStream = body,
            PartSize = body.Length,
            UseChunkEncoding = false,
        }, ct);
        buffer.SetLength(0);
        return new PartETag(number, part.ETag);
    }

    public async Task<System.IO.Stream?> OpenReadAsync(string key, CancellationToken ct)
    {
        try
        {
            var response = await _client.GetObjectAsync(_options.Bucket, key, ct);
            return response.ResponseStream;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<StoredObject?> OpenRangedAsync(string key, CancellationToken ct)
    {
        try
        {
            var head = await _client.GetObjectMetadataAsync(_options.Bucket, key, ct);
            return new StoredObject(new S3RangeStream(_client, _options.Bucket, key, head.ContentLength), head.ContentLength,
                head.LastModified is { } modified ? new DateTimeOffset(modified.ToUniversalTime(), TimeSpan.Zero) : DateTimeOffset.UnixEpoch,
                head.ETag);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// Lists at most one key under <paramref name="prefix"/>: the cheapest request that shows the bucket exists and
    /// takes these credentials. Credentials allowed to write but not to list get AccessDenied, which a caller may accept.
    /// </summary>
    public async Task ListOneAsync(string prefix, CancellationToken ct) =>
        await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = prefix, MaxKeys = 1 }, ct);

    public async Task DeleteAsync(string key, CancellationToken ct) =>
        await _client.DeleteObjectAsync(_options.Bucket, key, ct);

    /// <summary>Lists the folder from its start and deletes what is listed until nothing is (no continuation token to outlive its keys).</summary>
    public async Task DeleteFolderAsync(string prefix, CancellationToken ct)
    {
        // ListObjects (v1): every S3-compatible store has it (s3rver answers v2 with an internal error).
        var request = new ListObjectsRequest { BucketName = _options.Bucket, Prefix = prefix.TrimEnd('/') + "/" };
        while (true)
        {
            var keys = ((await _client.ListObjectsAsync(request, ct)).S3Objects ?? []).Select(o => o.Key).ToList();
            if (keys.Count == 0)
            {
                return;
            }
            if (!await DeleteManyAsync(keys, ct))
            {
                // A store without multi-object delete (some S3-compatible ones): one request per object, eight at a time.
                await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
                    async (key, token) => await _client.DeleteObjectAsync(_options.Bucket, key, token));
            }
        }
    }

    /// <returns>False when the store does not do multi-object deletes.</returns>
    private async Task<bool> DeleteManyAsync(List<string> keys, CancellationToken ct)
    {
        if (!_multiDelete)
        {
            return false;
        }
        try
        {
            await _client.DeleteObjectsAsync(new DeleteObjectsRequest
            {
                BucketName = _options.Bucket,
                Objects = [.. keys.Select(k => new KeyVersion { Key = k })],
            }, ct);
            return true;
        }
        catch (AmazonS3Exception e) when ((int)e.StatusCode >= 500 || e.StatusCode == HttpStatusCode.NotImplemented)
        {
            _multiDelete = false;
            return false;
        }
    }

    public void Dispose()
    {
        _writers.Dispose();
        _client.Dispose();
    }
}
