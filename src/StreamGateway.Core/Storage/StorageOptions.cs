using System.ComponentModel.DataAnnotations;

namespace StreamGateway.Core.Storage;

public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Root directory of the local segment store.</summary>
    [Required]
    public string LocalRoot { get; set; } = "data/media";
}
