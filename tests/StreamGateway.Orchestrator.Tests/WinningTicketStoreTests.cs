using Microsoft.Extensions.Options;
using StreamGateway.Orchestrator.Payments;

namespace StreamGateway.Orchestrator.Tests;

public sealed class WinningTicketStoreTests
{
    [Fact]
    public void Winning_tickets_and_their_statuses_survive_a_restart()
    {
        var dir = Directory.CreateTempSubdirectory("winning-").FullName;
        try
        {
            var options = Options.Create(new OrchestratorOptions { WorkDir = dir });
            var store = new WinningTicketStore(options);
            store.Add(new WinningTicket { Hash = "aa", FaceValue = "10" });
            store.Add(new WinningTicket { Hash = "bb", FaceValue = "20" });
            store.Add(new WinningTicket { Hash = "aa", FaceValue = "10" }); // the same ticket again is kept once
            var first = store.All()[0];
            first.Status = "redeemed";
            first.Transaction = "0x01";
            store.Flush(store.All());
            store.Flush(store.All()); // nothing changed: nothing appended

            var reopened = new WinningTicketStore(options).All();
            Assert.Equal(["aa", "bb"], reopened.Select(t => t.Hash));
            Assert.Equal(("redeemed", "0x01"), (reopened[0].Status, reopened[0].Transaction));
            Assert.Equal("pending", reopened[1].Status);
            Assert.Equal(3, File.ReadAllLines(Path.Combine(dir, WinningTicketStore.Folder, "winning-tickets.jsonl")).Length);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
