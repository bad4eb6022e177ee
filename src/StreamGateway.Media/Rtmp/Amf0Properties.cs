using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace StreamGateway.Media.Rtmp;

/// <summary>
/// Ordered string-keyed properties, shared by AMF0 anonymous objects (0x03) and ECMA arrays (0x08).
/// Keeps the order of the wire (AMF0 writes properties in sequence) and answers lookups by key;
/// a repeated key keeps its first position and takes the last value.
/// </summary>
[SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "Named after the AMF0 types they model.")]
public abstract class Amf0Properties : IReadOnlyDictionary<string, object?>
{
    private readonly List<string> _order = [];
    private readonly Dictionary<string, object?> _values = new(StringComparer.Ordinal);

    public int Count => _order.Count;

    public IEnumerable<string> Keys => _order;

    public IEnumerable<object?> Values => _order.Select(k => _values[k]);

    public object? this[string key]
    {
        get => _values[key];
        set
        {
            if (!_values.ContainsKey(key))
            {
                _order.Add(key);
            }

            _values[key] = value;
        }
    }

    /// <summary>Collection-initializer support: <c>new Amf0Object { { "app", "live" } }</c>.</summary>
    public void Add(string key, object? value) => this[key] = value;

    public bool ContainsKey(string key) => _values.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value) => _values.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        foreach (var key in _order)
        {
            yield return new KeyValuePair<string, object?>(key, _values[key]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The value under <paramref name="key"/> when it is a string, else null.</summary>
    public string? GetString(string key) => _values.TryGetValue(key, out var v) ? v as string : null;
}
