using System.Buffers;
using System.Threading.Channels;
using StreamGateway.Media.Ts;

namespace StreamGateway.Core.Live;

/// <summary>
/// Where the native segmenter of one publish puts its segments: each goes to <c>seg-N.ts</c> in the publish's work
/// folder through a small buffer (a segment is never held whole in memory), and once closed it is handed to
/// <see cref="Closed"/> in order, for the publish's segment reader. Not thread-safe on the writing side: the publish
/// that feeds the segmenter is the only writer.
/// </summary>
internal sealed class TsSegmentFiles(string folder) : ITsSegmentOutput, IBufferWriter<byte>, IAsyncDisposable
{
    private const int BufferBytes = 64 * 1024;

    private readonly Channel<(string Path, TsSegment Segment)> _closed =
        Channel.CreateUnbounded<(string, TsSegment)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private byte[] _buffer = new byte[BufferBytes];
    private int _length;
    private FileStream? _file;

    /// <summary>Closed segments, oldest first; completed when the publish ends.</summary>
    public ChannelReader<(string Path, TsSegment Segment)> Closed => _closed.Reader;

    public IBufferWriter<byte> Open(int index)
    {
        _file?.Dispose();
        _file = new FileStream(Path(index), FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
        _length = 0;
        return this;
    }

    public void Close(TsSegment segment)
    {
        Flush();
        _file!.Dispose();
        _file = null;
        _closed.Writer.TryWrite((Path(segment.Index), segment));
    }


    public void Advance(int count) => _length += count;

    public Memory<byte> GetMemory(int sizeHint = 0) => _buffer.AsMemory(Reserve(sizeHint));

    public Span<byte> GetSpan(int sizeHint = 0) => _buffer.AsSpan(Reserve(sizeHint));

    /// <summary>No more segments will come: a segment still open (one that could not end) is closed, not handed on.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_file is not null)
        {
            await _file.DisposeAsync();
            _file = null;
        }
        _closed.Writer.TryComplete();
    }

    /// <summary>Makes room for <paramref name="sizeHint"/> bytes (at least one) and returns where they start.</summary>
    private int Reserve(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 1);
        if (_buffer.Length - _length < sizeHint)
        {
            Flush();
            if (_buffer.Length < sizeHint)
            {
                _buffer = new byte[sizeHint];
            }
        }
        return _length;
    }

    private void Flush()
    {
        if (_length > 0)
        {
            _file!.Write(_buffer, 0, _length);
            _length = 0;
        }
    }

    private string Path(int index) => System.IO.Path.Combine(folder, $"seg-{index}.ts");
}
