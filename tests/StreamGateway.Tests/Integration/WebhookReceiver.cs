using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace StreamGateway.Tests.Integration;

/// <summary>A real HTTP endpoint on loopback that records each webhook delivery and answers with scripted statuses.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Delivery(IReadOnlyDictionary<string, string> Headers, byte[] Body)
    {
        public string Text => Encoding.UTF8.GetString(Body);
    }

    private readonly HttpListener _listener = new();
    private readonly Func<int, int> _statusForAttempt;
    private readonly bool _endlessBody;
    private readonly TaskCompletionSource _bodyCutOff = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    public ConcurrentQueue<Delivery> Deliveries { get; } = new();
    public string Url { get; }

    /// <summary>When set, decides each answer's status from what was delivered (instead of the attempt number).</summary>
    public Func<Delivery, int>? Answer { get; init; }

    /// <summary>Completes when the sender closed a connection while an endless answer was still being written.</summary>
    public Task BodyCutOff => _bodyCutOff.Task;

    /// <param name="statusForAttempt">Status to answer for the n-th request (1-based).</param>
    /// <param name="endlessBody">Answer with a body that never ends, as a hostile receiver would.</param>
    public WebhookReceiver(Func<int, int>? statusForAttempt = null, bool endlessBody = false)
    {
        _statusForAttempt = statusForAttempt ?? (_ => 200);
        _endlessBody = endlessBody;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = $"http://127.0.0.1:{port}/hooks/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    private async Task LoopAsync()
    {
        var count = 0;
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().WaitAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            using var buffer = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(buffer);
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null)
                .ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            var delivery = new Delivery(headers, buffer.ToArray());
            Deliveries.Enqueue(delivery);
            var attempt = Interlocked.Increment(ref count);
            context.Response.StatusCode = Answer?.Invoke(delivery) ?? _statusForAttempt(attempt);
            if (_endlessBody)
            {
                await WriteEndlesslyAsync(context.Response);
                continue;
            }
            var reply = Encoding.UTF8.GetBytes("received");
            await context.Response.OutputStream.WriteAsync(reply);
            context.Response.Close();
        }
    }

    private async Task WriteEndlesslyAsync(HttpListenerResponse response)
    {
        response.SendChunked = true;
        var chunk = Encoding.ASCII.GetBytes(new string('x', 16 * 1024));
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await response.OutputStream.WriteAsync(chunk, _stop.Token);
            }
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            if (!_stop.IsCancellationRequested)
            {
                _bodyCutOff.TrySetResult();
            }
        }
        response.Abort();
    }

    /// <summary>Waits until at least <paramref name="count"/> deliveries arrived, or fails at the deadline.</summary>
    public async Task<Delivery[]> WaitForAsync(int count, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (Deliveries.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"expected {count} webhook deliveries, got {Deliveries.Count}");
            await Task.Delay(50);
        }
        return [.. Deliveries];
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (ObjectDisposedException)
        {
        }
        _stop.Dispose();
    }
}
