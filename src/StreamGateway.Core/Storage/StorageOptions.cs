using System.ComponentModel.DataAnnotations;

namespace StreamGateway.Core.Storage;

public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Root directory of the local segment store.</summary>
    [Required]
    public string LocalRoot { get; set; } = "data/media";

    /// <summary><c>local</c> (a directory on this node: one node only) or <c>s3</c> (any S3-compatible object store).</summary>
    [RegularExpression("^(local|s3)$")]
    public string Backend { get; set; } = "local";

    public S3StorageOptions S3 { get; set; } = new();
}

/// <summary>Where media lives when <see cref="StorageOptions.Backend"/> is <c>s3</c> (section <c>Storage:S3</c>).</summary>
public sealed class S3StorageOptions
{
    /// <summary>The endpoint for S3-compatible stores (MinIO, s3rver, R2); empty for AWS itself (then <see cref="Region"/> says where).</summary>
    public string? ServiceUrl { get; set; }
    public string Bucket { get; set; } = "streamgateway";
    public string Region { get; set; } = "us-east-1";
    public string? AccessKey { get; set; }
    public string? SecretKey { get; set; }
    /// <summary>Path-style addressing (<c>endpoint/bucket/key</c>), which most self-hosted stores need.</summary>
    public bool ForcePathStyle { get; set; } = true;
    /// <summary>Files from this size up are uploaded in parts (S3 allows 5 MiB parts at least).</summary>
    [Range(5 * 1024 * 1024, int.MaxValue)]
    public long MultipartFromBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Uploads this node writes into the store at once; each holds up to <see cref="MultipartFromBytes"/> in memory
    /// (64 × 16 MiB = 1 GiB). One more is refused with 503 and Retry-After until one ends.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxOpenWriters { get; set; } = 64;
}
