using System.Numerics;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace StreamGateway.Orchestrator.Payments;

/// <summary>
/// Winning tickets, kept in an append-only JSON-lines journal under the work directory: a line per ticket won and a
/// line per change of status, replayed at start. A restart loses none of them before they are redeemed, and each
/// event costs one appended line however many tickets came before.
/// </summary>
public sealed class WinningTicketStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _path;
    private readonly List<WinningTicket> _tickets = [];
    private readonly Dictionary<string, WinningTicket> _byHash = [];
    private readonly Dictionary<string, string> _written = [];
    /// <summary>Face value of the pending tickets per sender (lower-case hex), kept as tickets come and change.</summary>
    private readonly Dictionary<string, BigInteger> _pendingBySender = [];
    private readonly HashSet<string> _pending = [];
    private readonly Lock _lock = new();

    /// <summary>The folder under the work directory that rendition clean-up leaves alone.</summary>
    public const string Folder = "payments";

    public WinningTicketStore(IOptions<OrchestratorOptions> options)
    {
        _path = Path.Combine(Path.GetFullPath(options.Value.WorkDir), Folder, "winning-tickets.jsonl");
        if (!File.Exists(_path))
        {
            return;
        }
        var positions = new Dictionary<string, int>();
        foreach (var line in File.ReadLines(_path).Where(l => l.Length > 0))
        {
            var ticket = JsonSerializer.Deserialize<WinningTicket>(line, Json);
            if (ticket is null)
            {
                continue;
            }
            if (positions.TryGetValue(ticket.Hash, out var position))
            {
                _tickets[position] = ticket; // a later line is a newer state of the same ticket
            }
            else
            {
                positions[ticket.Hash] = _tickets.Count;
                _tickets.Add(ticket);
            }
            _byHash[ticket.Hash] = ticket;
            _written[ticket.Hash] = line;
        }
        foreach (var ticket in _tickets)
        {
            Count(ticket);
        }
    }

    /// <summary>The face value of <paramref name="sender"/>'s winning tickets not yet redeemed (what maxFloat holds back).</summary>
    public BigInteger PendingFaceValue(string sender)
    {
        lock (_lock)
        {
            return _pendingBySender.GetValueOrDefault(sender.ToLowerInvariant());
        }
    }

    /// <summary>Brings the pending sums in line with the ticket's status (caller holds the lock).</summary>
    private void Count(WinningTicket ticket)
    {
        var pending = ticket.Status == "pending";
        if (pending == _pending.Contains(ticket.Hash))
        {
            return;
        }
        var sender = ticket.Sender.ToLowerInvariant();
        var value = BigInteger.Parse(ticket.FaceValue, System.Globalization.CultureInfo.InvariantCulture);
        if (pending)
        {
            _pending.Add(ticket.Hash);
            _pendingBySender[sender] = _pendingBySender.GetValueOrDefault(sender) + value;
        }
        else
        {
            _pending.Remove(ticket.Hash);
            _pendingBySender[sender] = _pendingBySender.GetValueOrDefault(sender) - value;
        }
    }

    public IReadOnlyList<WinningTicket> All()
    {
        lock (_lock)
        {
            return [.. _tickets];
        }
    }

    public void Add(WinningTicket ticket)
    {
        lock (_lock)
        {
            if (_byHash.TryAdd(ticket.Hash, ticket))
            {
                _tickets.Add(ticket);
                Count(ticket);
                Append(ticket);
            }
        }
    }

    /// <summary>
    /// Appends those of <paramref name="touched"/> (the same objects <see cref="All"/> handed out) whose state changed;
    /// only the tickets a redemption cycle looked at are compared, not the whole history.
    /// </summary>
    public void Flush(IEnumerable<WinningTicket> touched)
    {
        lock (_lock)
        {
            foreach (var ticket in touched)
            {
                Count(ticket);
                if (_written.GetValueOrDefault(ticket.Hash) != JsonSerializer.Serialize(ticket, Json))
                {
                    Append(ticket);
                }
            }
        }
    }

    private void Append(WinningTicket ticket)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var line = JsonSerializer.Serialize(ticket, Json);
        File.AppendAllText(_path, line + "\n");
        _written[ticket.Hash] = line;
    }
}
