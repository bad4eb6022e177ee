using System.Numerics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StreamGateway.Network.Payments;

namespace StreamGateway.Orchestrator.Payments;

/// <summary>A winning ticket and what became of it.</summary>
public sealed class WinningTicket
{
    public string Recipient { get; set; } = "";
    public string Sender { get; set; } = "";
    public string FaceValue { get; set; } = "0";
    public string WinProb { get; set; } = "0";
    public uint SenderNonce { get; set; }
    public string RecipientRandHash { get; set; } = "";
    public string CreationRound { get; set; } = "0";
    public string CreationRoundBlockHash { get; set; } = "";
    public string Sig { get; set; } = "";
    public string RecipientRand { get; set; } = "0";
    public string ExpirationBlock { get; set; } = "0";
    public string Hash { get; set; } = "";
    public DateTimeOffset WonAt { get; set; }
    /// <summary>pending, redeemed, skipped or failed.</summary>
    public string Status { get; set; } = "pending";
    public string? Transaction { get; set; }
    public string? Error { get; set; }

    public Ticket ToTicket() => new(Convert.FromHexString(Recipient), Convert.FromHexString(Sender), BigInteger.Parse(FaceValue),
        BigInteger.Parse(WinProb), SenderNonce, Convert.FromHexString(RecipientRandHash), BigInteger.Parse(CreationRound),
        Convert.FromHexString(CreationRoundBlockHash));
}

/// <summary>
/// Winning tickets, kept in a JSON file under the work directory (written to a temporary file and moved into place),
/// so a restart loses none of them before they are redeemed.
/// </summary>
public sealed class WinningTicketStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly string _path;
    private readonly List<WinningTicket> _tickets;
    private readonly Lock _lock = new();

    /// <summary>The folder under the work directory that rendition clean-up leaves alone.</summary>
    public const string Folder = "payments";

    public WinningTicketStore(IOptions<OrchestratorOptions> options)
    {
        _path = Path.Combine(Path.GetFullPath(options.Value.WorkDir), Folder, "winning-tickets.json");
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _tickets = File.Exists(_path) ? JsonSerializer.Deserialize<List<WinningTicket>>(File.ReadAllText(_path), Json) ?? [] : [];
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
            if (_tickets.All(t => t.Hash != ticket.Hash))
            {
                _tickets.Add(ticket);
                Save();
            }
        }
    }

    /// <summary>Writes the tickets' changed statuses (they are the same objects <see cref="All"/> handed out).</summary>
    public void Flush()
    {
        lock (_lock)
        {
            Save();
        }
    }

    private void Save()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var temp = _path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(_tickets, Json));
        File.Move(temp, _path, overwrite: true);
    }
}
