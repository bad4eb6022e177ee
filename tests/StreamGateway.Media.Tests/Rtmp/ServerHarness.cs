using System.Buffers.Binary;
using System.Collections.Concurrent;
using StreamGateway.Media.Rtmp;

namespace StreamGateway.Media.Tests.Rtmp;

/// <summary>One server connection over in-memory pipes, with a scripted client and a recording sink.</summary>
internal sealed class ServerHarness : IDisposable
{
    private readonly CancellationTokenSource _cts = new(TimeSpan.FromSeconds(20));

    public ServerHarness(RtmpServerOptions? options = null, bool accept = true)
    {
        Options = options ?? new RtmpServerOptions();
        Accept = accept;
        Run = Task.Run(() => new RtmpServerConnection(Options, Log.Enqueue).RunAsync(Client.ServerTransport, AuthorizeAsync, _cts.Token));
    }

    public RtmpServerOptions Options { get; }

    public TestRtmpClient Client { get; } = new();

    public RecordingSink Sink { get; } = new();

    public bool Accept { get; set; }

    public List<RtmpPublishRequest> Requests { get; } = [];

    public ConcurrentQueue<string> Log { get; } = new();

    public Task<RtmpConnectionEnd> Run { get; }

    public void Cancel() => _cts.Cancel();

    /// <summary>True when RunAsync returned within <paramref name="seconds"/> (and did not throw).</summary>
    public async Task<bool> EndsWithinAsync(double seconds = 1)
    {
        var done = await Task.WhenAny(Run, Task.Delay(TimeSpan.FromSeconds(seconds)));
        if (done != Run)
        {
            return false;
        }

        await Run;
        return true;
    }

    public async Task<ReceivedMessage> ConnectAsync(string app = "live", byte commandType = 20)
    {
        await Client.HandshakeAsync();
        var payload = Amf0.Encode("connect", 1.0, new Amf0Object
        {
            { "app", app },
            { "type", "nonprivate" },
            { "flashVer", "FMLE/3.0 (compatible; FMSc/1.0)" },
            { "tcUrl", "rtmp://localhost/" + app },
        });
        await Client.SendMessageAsync(3, commandType, 0, 0, commandType == 17 ? [0, .. payload] : payload);
        return await Client.ReadCommandAsync();
    }

    /// <summary>releaseStream, FCPublish, createStream and publish, as ffmpeg and OBS send them; returns the onStatus.</summary>
    public async Task<ReceivedMessage> PublishAsync(string name = "key?token=abc")
    {
        await Client.SendCommandAsync(0, "releaseStream", 2.0, null, name);
        AssertResult(await Client.ReadCommandAsync(), 2.0);
        await Client.SendCommandAsync(0, "FCPublish", 3.0, null, name);
        AssertResult(await Client.ReadCommandAsync(), 3.0);
        await Client.SendCommandAsync(0, "createStream", 4.0, null);
        var created = await Client.ReadCommandAsync();
        AssertResult(created, 4.0);
        Assert.Equal(1.0, created.Values[3]);

        await Client.SendCommandAsync(1, "publish", 5.0, null, name, "live");
        if (!Accept)
        {
            return await Client.ReadCommandAsync();
        }

        // Stream Begin (User Control event 0) for stream 1 comes before the onStatus.
        var begin = await Client.ReadMessageAsync();
        Assert.NotNull(begin);
        Assert.Equal(4, begin.TypeId);
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(begin.Payload));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(begin.Payload.AsSpan(2)));
        return await Client.ReadCommandAsync();
    }

    public static string? Code(ReceivedMessage command) => (command.Values[3] as Amf0Properties)?.GetString("code");

    public static string? Level(ReceivedMessage command) => (command.Values[3] as Amf0Properties)?.GetString("level");

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
        Client.Dispose();
    }

    private static void AssertResult(ReceivedMessage message, double transactionId)
    {
        Assert.Equal("_result", message.CommandName);
        Assert.Equal(transactionId, message.Values[1]);
    }

    private ValueTask<IRtmpPublishSink?> AuthorizeAsync(RtmpPublishRequest request, CancellationToken ct)
    {
        lock (Requests)
        {
            Requests.Add(request);
        }

        return ValueTask.FromResult<IRtmpPublishSink?>(Accept ? Sink : null);
    }
}
