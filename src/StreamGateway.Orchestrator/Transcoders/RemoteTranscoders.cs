using System.Collections.Concurrent;
using System.Threading.Channels;
using StreamGateway.Network.Wire;

namespace StreamGateway.Orchestrator.Transcoders;

/// <summary>A joined transcoder dropped out (disconnected, timed out or sent garbage) while it held the task.</summary>
public sealed class TranscoderLostException(string message) : Exception(message);

/// <summary>
/// The transcoders joined to this orchestrator (go-O's remote transcoder manager). Each declares how many sessions it
/// takes; a session stays on the transcoder that took it while that one lives, and a new session goes to the one with
/// the most room. A segment whose transcoder drops out is handed to another within its deadline.
/// </summary>
public sealed class RemoteTranscoders(TimeProvider clock, ILogger<RemoteTranscoders> logger)
{
    /// <summary>A session without a segment for this long frees its transcoder's slot (go-O waits 70 s).</summary>
    public static readonly TimeSpan IdleSession = Sessions.SessionCapacity.ActiveWindow;

    public sealed class Worker(long id, int capacity, string peer)
    {
        internal readonly Channel<NotifySegment> Notices = Channel.CreateUnbounded<NotifySegment>(new UnboundedChannelOptions { SingleReader = true });
        /// <summary>Its sessions, with when each last had a segment.</summary>
        internal readonly Dictionary<string, DateTimeOffset> Sessions = [];
        internal bool Gone;

        public long Id { get; } = id;
        public int Capacity { get; } = capacity;
        public string Peer { get; } = peer;
        public ChannelReader<NotifySegment> Reader => Notices.Reader;
    }

    /// <summary>What a task waits for: the files its result was written to, or why it failed.</summary>
    public sealed class PendingTask(long id, Worker worker, string sessionId, IReadOnlyList<string> outputs)
    {
        public string SessionId { get; } = sessionId;
        internal readonly TaskCompletionSource<IReadOnlyList<long>> Done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long Id { get; } = id;
        public Worker Worker { get; } = worker;
        public IReadOnlyList<string> Outputs { get; } = outputs;
    }

    private readonly Lock _lock = new();
    private readonly List<Worker> _workers = [];
    private readonly Dictionary<string, Worker> _sessions = [];
    private readonly ConcurrentDictionary<long, PendingTask> _tasks = new();
    private long _nextId;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _workers.Count;
            }
        }
    }

    /// <summary>Sessions of joined transcoders that had a segment within <see cref="IdleSession"/> (the idle ones give their
    /// slot to the next new session that needs it).</summary>
    public int SessionsHeld
    {
        get
        {
            var since = clock.GetUtcNow() - IdleSession;
            lock (_lock)
            {
                return _workers.Sum(w => w.Sessions.Values.Count(last => last > since));
            }
        }
    }

    /// <summary>Session slots over all joined transcoders.</summary>
    public int TotalCapacity
    {
        get
        {
            lock (_lock)
            {
                return _workers.Sum(w => w.Capacity);
            }
        }
    }

    public Worker Join(int capacity, string peer)
    {
        OrchestratorMetrics.Transcoders = this;
        var worker = new Worker(Interlocked.Increment(ref _nextId), capacity, peer);
        lock (_lock)
        {
            _workers.Add(worker);
        }
        Interlocked.Increment(ref OrchestratorMetrics.JoinedTranscoders);
        logger.LogInformation("Transcoder {Id} at {Peer} joined with capacity {Capacity}", worker.Id, peer, capacity);
        return worker;
    }

    /// <summary>Drops a transcoder: its sessions go elsewhere and the tasks it held are handed on.</summary>
    public void Leave(Worker worker, string why)
    {
        lock (_lock)
        {
            if (worker.Gone)
            {
                return;
            }
            worker.Gone = true;
            _workers.Remove(worker);
            foreach (var session in worker.Sessions.Keys)
            {
                _sessions.Remove(session);
            }
            worker.Sessions.Clear();
        }
        Interlocked.Decrement(ref OrchestratorMetrics.JoinedTranscoders);
        worker.Notices.Writer.TryComplete();
        foreach (var task in _tasks.Values.Where(t => t.Worker == worker))
        {
            task.Done.TrySetException(new TranscoderLostException($"transcoder {worker.Id} {why}"));
        }
        logger.LogWarning("Transcoder {Id} at {Peer} dropped: {Why}", worker.Id, worker.Peer, why);
    }

    /// <summary>
    /// Has a joined transcoder make <paramref name="outputs"/> (in profile order) from the notice's segment, handing it
    /// on if its transcoder drops out, until <paramref name="deadline"/>. Null when no transcoder has room.
    /// </summary>
    /// <returns>The pixels of each output, as the transcoder counted them.</returns>
    public async Task<IReadOnlyList<long>?> TranscodeAsync(string sessionId, NotifySegment notice, IReadOnlyList<string> outputs,
        DateTimeOffset deadline, TimeProvider clock, CancellationToken ct)
    {
        while (Pick(sessionId) is { } worker)
        {
            var task = new PendingTask(Interlocked.Increment(ref _nextId), worker, sessionId, outputs);
            _tasks[task.Id] = task;
            try
            {
                var sent = notice.Clone();
                sent.TaskId = task.Id;
                if (!worker.Notices.Writer.TryWrite(sent))
                {
                    continue; // it left as we picked it
                }
                var left = deadline - clock.GetUtcNow();
                if (left <= TimeSpan.Zero)
                {
                    throw new TimeoutException("no time left for the segment");
                }
                try
                {
                    return await task.Done.Task.WaitAsync(left, clock, ct);
                }
                catch (TimeoutException)
                {
                    // As go-O: a transcoder that takes too long is dropped, and the segment fails.
                    Leave(worker, "took too long");
                    throw;
                }
                catch (TranscoderLostException e)
                {
                    logger.LogWarning("Segment of session {Session} goes to another transcoder: {Why}", sessionId, e.Message);
                }
            }
            finally
            {
                _tasks.TryRemove(task.Id, out _);
            }
        }
        return null;
    }

    /// <summary>The task a result names, if it is still waited for.</summary>
    public PendingTask? Find(long taskId) => _tasks.GetValueOrDefault(taskId);

    public void Complete(PendingTask task, IReadOnlyList<long> pixels) => task.Done.TrySetResult(pixels);

    /// <summary>The transcoder said it could not do the task: the segment fails, and its session may go elsewhere next time.</summary>
    public void Fail(PendingTask task, string error)
    {
        Release(task.Worker, task.SessionId);
        task.Done.TrySetException(new InvalidDataException(error));
    }

    /// <summary>Ends a session on its transcoder (go-O sends it a notice without a URL) and frees its slot.</summary>
    public void EndSession(string sessionId)
    {
        Worker? worker;
        lock (_lock)
        {
            if (!_sessions.Remove(sessionId, out worker))
            {
                return;
            }
            worker.Sessions.Remove(sessionId);
        }
        worker.Notices.Writer.TryWrite(new NotifySegment { SegData = new SegData { AuthToken = new AuthToken { SessionId = sessionId } } });
    }

    private void Release(Worker worker, string sessionId)
    {
        lock (_lock)
        {
            worker.Sessions.Remove(sessionId);
            _sessions.Remove(sessionId);
        }
    }

    /// <summary>The session's transcoder, or for a new session the live one with the most room (load over capacity, then free slots).</summary>
    private Worker? Pick(string sessionId)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            if (_sessions.TryGetValue(sessionId, out var bound) && !bound.Gone)
            {
                bound.Sessions[sessionId] = now;
                return bound;
            }
            // Sessions that went quiet (their broadcaster stopped without ending them) give their slots back.
            foreach (var worker in _workers)
            {
                foreach (var (idle, _) in worker.Sessions.Where(s => now - s.Value > IdleSession).ToList())
                {
                    worker.Sessions.Remove(idle);
                    _sessions.Remove(idle);
                }
            }
            var free = _workers.Where(w => w.Sessions.Count < w.Capacity)
                .OrderBy(w => (double)w.Sessions.Count / w.Capacity).ThenByDescending(w => w.Capacity - w.Sessions.Count).FirstOrDefault();
            if (free is not null)
            {
                free.Sessions[sessionId] = now;
                _sessions[sessionId] = free;
            }
            return free;
        }
    }
}
