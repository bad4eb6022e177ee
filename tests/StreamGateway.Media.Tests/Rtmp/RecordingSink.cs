using StreamGateway.Media.Rtmp;

namespace StreamGateway.Media.Tests.Rtmp;

internal sealed record ReceivedMedia(RtmpMessageKind Kind, uint Timestamp, byte[] Payload);

/// <summary>A sink that keeps copies of everything it is given and counts completions.</summary>
internal sealed class RecordingSink : IRtmpPublishSink
{
    private readonly TaskCompletionSource<string> _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _completeCount;

    public List<ReceivedMedia> Messages { get; } = [];

    public int CompleteCount => Volatile.Read(ref _completeCount);

    public Task<string> Completed => _completed.Task;

    public ValueTask WriteAsync(RtmpMediaMessage message, CancellationToken ct)
    {
        lock (Messages)
        {
            Messages.Add(new ReceivedMedia(message.Kind, message.Timestamp, message.Payload.ToArray()));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask CompleteAsync(string reason)
    {
        Interlocked.Increment(ref _completeCount);
        _completed.TrySetResult(reason);
        return ValueTask.CompletedTask;
    }
}
