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

    [Fact]
    public void Pending_face_value_per_sender_follows_wins_and_redemptions_and_survives_a_restart()
    {
        var dir = Directory.CreateTempSubdirectory("winning-").FullName;
        try
        {
            var options = Options.Create(new OrchestratorOptions { WorkDir = dir });
            var store = new WinningTicketStore(options);
            store.Add(new WinningTicket { Hash = "aa", Sender = "ABCD", FaceValue = "10" });
            store.Add(new WinningTicket { Hash = "bb", Sender = "abcd", FaceValue = "20" });
            store.Add(new WinningTicket { Hash = "cc", Sender = "ef01", FaceValue = "5" });
            store.Add(new WinningTicket { Hash = "bb", Sender = "abcd", FaceValue = "20" }); // a repeat counts once
            Assert.Equal(30, store.PendingFaceValue("abcd"));
            Assert.Equal(5, store.PendingFaceValue("EF01"));
            Assert.Equal(0, store.PendingFaceValue("9999"));

            var tickets = store.All();
            tickets[0].Status = "redeemed";
            tickets[2].Status = "failed";
            store.Flush(tickets);
            Assert.Equal(20, store.PendingFaceValue("abcd"));
            Assert.Equal(0, store.PendingFaceValue("ef01"));
            store.Flush(tickets); // seen again: no change
            Assert.Equal(20, store.PendingFaceValue("abcd"));

            var reopened = new WinningTicketStore(options);
            Assert.Equal(20, reopened.PendingFaceValue("abcd"));
            Assert.Equal(0, reopened.PendingFaceValue("ef01"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
