using System.Buffers.Text;
using Microsoft.AspNetCore.Http.Extensions;

namespace StreamGateway.Core.Http;

/// <summary>A row that lists newest first by (CreatedAt, Id).</summary>
public interface IListed
{
    Guid Id { get; }
    DateTimeOffset CreatedAt { get; }
}
