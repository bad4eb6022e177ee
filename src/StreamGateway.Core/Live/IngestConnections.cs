using System.Net;
using Microsoft.Extensions.Options;
using StreamGateway.Core.Http;

namespace StreamGateway.Core.Live;

/// <summary>
/// Counts the RTMP connections open on this node, in all and per address (<see cref="PeerAddress"/>), so the
/// listener can close one over <see cref="IngestOptions.MaxConnections"/> or
/// <see cref="IngestOptions.MaxConnectionsPerAddress"/> before it costs a handshake.
/// </summary>
public sealed class IngestConnections(IOptions<IngestOptions> options)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<IPAddress, int> _byAddress = [];
    private int _total;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _total;
            }
        }
    }

    /// <summary>A slot for a connection from <paramref name="address"/>, given back by disposing it; null with the
    /// reason when a cap is reached.</summary>
    public IDisposable? TryOpen(IPAddress address, out string? refusal)
    {
        var o = options.Value;
        var bucket = PeerAddress.Bucket(address);
        lock (_lock)
        {
            _byAddress.TryGetValue(bucket, out var open);
            if (_total >= o.MaxConnections)
            {
                refusal = $"{_total} RTMP connections open, the most this node takes (Ingest:MaxConnections)";
                return null;
            }
            if (open >= o.MaxConnectionsPerAddress)
            {
                refusal = $"{open} RTMP connections open from this address, the most it may have (Ingest:MaxConnectionsPerAddress)";
                return null;
            }
            _byAddress[bucket] = open + 1;
            _total++;
        }
        refusal = null;
        return new Slot(this, bucket);
    }

    private void Close(IPAddress bucket)
    {
        lock (_lock)
        {
            _total--;
            var open = _byAddress[bucket] - 1;
            if (open == 0)
            {
                _byAddress.Remove(bucket);
            }
            else
            {
                _byAddress[bucket] = open;
            }
        }
    }

    private sealed class Slot(IngestConnections owner, IPAddress bucket) : IDisposable
    {
        private int _closed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                owner.Close(bucket);
            }
        }
    }
}
