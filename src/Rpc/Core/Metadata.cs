using System.Collections;
using System.Text;

namespace Grpc.Core;

/// <summary>
/// Custom metadata: request headers, response headers and trailers. An ordered list of entries; a key
/// may repeat. Keys are lower-case ASCII; keys ending in <c>-bin</c> carry bytes, the others printable ASCII.
/// </summary>
public sealed class Metadata : IList<Metadata.Entry>
{
    /// <summary>The suffix that marks a binary-valued key.</summary>
    public const string BinaryHeaderSuffix = "-bin";

    /// <summary>An empty, read-only instance.</summary>
    public static readonly Metadata Empty = new Metadata().Freeze();

    private readonly List<Entry> _entries = [];
    private bool _readOnly;

    /// <summary>The number of entries.</summary>
    public int Count => _entries.Count;

    /// <summary>Whether the instance can no longer change.</summary>
    public bool IsReadOnly => _readOnly;

    /// <summary>The entry at an index.</summary>
    public Entry this[int index]
    {
        get => _entries[index];
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            CheckWriteable();
            _entries[index] = value;
        }
    }

    /// <summary>The last entry with a key, or null.</summary>
    public Entry? Get(string key)
    {
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (_entries[i].KeyEqualsIgnoreCase(key))
            {
                return _entries[i];
            }
        }

        return null;
    }

    /// <summary>The string value of the last entry with a key, or null.</summary>
    public string? GetValue(string key) => Get(key)?.Value;

    /// <summary>The bytes of the last entry with a key, or null.</summary>
    public byte[]? GetValueBytes(string key) => Get(key)?.ValueBytes;

    /// <summary>All entries with a key, in order.</summary>
    public IEnumerable<Entry> GetAll(string key)
    {
        foreach (var entry in _entries)
        {
            if (entry.KeyEqualsIgnoreCase(key))
            {
                yield return entry;
            }
        }
    }

    /// <summary>Adds an ASCII-valued entry.</summary>
    public void Add(string key, string value) => Add(new Entry(key, value));

    /// <summary>Adds a binary-valued entry; the key must end in <c>-bin</c>.</summary>
    public void Add(string key, byte[] valueBytes) => Add(new Entry(key, valueBytes));

    /// <inheritdoc />
    public void Add(Entry item)
    {
        ArgumentNullException.ThrowIfNull(item);
        CheckWriteable();
        _entries.Add(item);
    }

    /// <inheritdoc />
    public void Clear()
    {
        CheckWriteable();
        _entries.Clear();
    }

    /// <inheritdoc />
    public bool Contains(Entry item) => _entries.Contains(item);

    /// <inheritdoc />
    public void CopyTo(Entry[] array, int arrayIndex) => _entries.CopyTo(array, arrayIndex);

    /// <inheritdoc />
    public int IndexOf(Entry item) => _entries.IndexOf(item);

    /// <inheritdoc />
    public void Insert(int index, Entry item)
    {
        ArgumentNullException.ThrowIfNull(item);
        CheckWriteable();
        _entries.Insert(index, item);
    }

    /// <inheritdoc />
    public bool Remove(Entry item)
    {
        CheckWriteable();
        return _entries.Remove(item);
    }

    /// <inheritdoc />
    public void RemoveAt(int index)
    {
        CheckWriteable();
        _entries.RemoveAt(index);
    }

    /// <inheritdoc />
    public IEnumerator<Entry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Makes the instance read-only and returns it.</summary>
    internal Metadata Freeze()
    {
        _readOnly = true;
        return this;
    }

    private void CheckWriteable()
    {
        if (_readOnly)
        {
            throw new InvalidOperationException("This metadata is read-only.");
        }
    }

    /// <summary>One metadata entry.</summary>
    public sealed class Entry
    {
        private readonly string? _value;
        private readonly byte[]? _valueBytes;

        /// <summary>Creates a binary entry; the key must end in <c>-bin</c>.</summary>
        public Entry(string key, byte[] valueBytes)
        {
            Key = NormalizeKey(key, out var isBinary);
            if (!isBinary)
            {
                throw new ArgumentException($"Key '{Key}' carries bytes, so it must end with '{BinaryHeaderSuffix}'.", nameof(key));
            }

            _valueBytes = (byte[])(valueBytes ?? throw new ArgumentNullException(nameof(valueBytes))).Clone();
        }

        /// <summary>Creates an ASCII entry; the key must not end in <c>-bin</c>, the value must be printable ASCII.</summary>
        public Entry(string key, string value)
        {
            Key = NormalizeKey(key, out var isBinary);
            if (isBinary)
            {
                throw new ArgumentException($"Key '{Key}' ends with '{BinaryHeaderSuffix}', so its value must be bytes.", nameof(key));
            }

            ArgumentNullException.ThrowIfNull(value);
            foreach (var c in value)
            {
                if (c < 0x20 || c > 0x7E)
                {
                    throw new ArgumentException($"The value of '{Key}' must be printable ASCII; use a '{BinaryHeaderSuffix}' key for other data.", nameof(value));
                }
            }

            _value = value;
        }

        private Entry(string key, string? value, byte[]? valueBytes)
        {
            Key = key;
            _value = value;
            _valueBytes = valueBytes;
        }

        /// <summary>The lower-case key.</summary>
        public string Key { get; }

        /// <summary>Whether the value is bytes (the key ends in <c>-bin</c>).</summary>
        public bool IsBinary => _valueBytes is not null;

        /// <summary>A copy of the value's bytes (ASCII bytes for a string value).</summary>
        public byte[] ValueBytes => _valueBytes is null ? Encoding.ASCII.GetBytes(_value!) : (byte[])_valueBytes.Clone();

        /// <summary>The string value; throws for a binary entry.</summary>
        public string Value => _value ?? throw new InvalidOperationException($"Entry '{Key}' is binary; read ValueBytes.");

        /// <inheritdoc />
        public override string ToString() => IsBinary
            ? $"[Entry: key={Key}, valueBytes={_valueBytes!.Length} bytes]"
            : $"[Entry: key={Key}, value={_value}]";

        /// <summary>Creates an entry from a wire header whose key is already valid, without copying.</summary>
        internal static Entry FromWire(string key, string? value, byte[]? valueBytes) => new(key, value, valueBytes);

        /// <summary>The value's bytes without a copy, for the transport.</summary>
        internal byte[]? RawValueBytes => _valueBytes;

        internal bool KeyEqualsIgnoreCase(string key) => string.Equals(Key, key, StringComparison.OrdinalIgnoreCase);

        /// <summary>Whether a key is a valid lower-case metadata key: <c>[0-9a-z_.-]+</c>.</summary>
        internal static bool IsValidKey(ReadOnlySpan<char> key)
        {
            if (key.IsEmpty)
            {
                return false;
            }

            foreach (var c in key)
            {
                if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.'))
                {
                    return false;
                }
            }

            return true;
        }

        private static string NormalizeKey(string key, out bool isBinary)
        {
            ArgumentNullException.ThrowIfNull(key);
            var normalized = key.ToLowerInvariant();
            if (!IsValidKey(normalized))
            {
                throw new ArgumentException($"Metadata key '{key}' is invalid: use only letters, digits, '-', '_' and '.'.", nameof(key));
            }

            isBinary = normalized.EndsWith(BinaryHeaderSuffix, StringComparison.Ordinal);
            return normalized;
        }
    }
}
