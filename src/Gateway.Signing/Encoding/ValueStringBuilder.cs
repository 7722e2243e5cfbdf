using System.Buffers;

namespace Gateway.Signing.Encoding;

/// <summary>
/// Builds text in a caller-supplied (usually stack) buffer and rents from the shared pool only when it outgrows it,
/// so that a signed URL costs one string allocation.
/// </summary>
internal ref struct ValueStringBuilder
{
    private char[]? _rented;
    private Span<char> _chars;
    private int _length;

    public ValueStringBuilder(Span<char> initialBuffer)
    {
        _rented = null;
        _chars = initialBuffer;
        _length = 0;
    }

    public readonly int Length => _length;

    public readonly ReadOnlySpan<char> AsSpan(int start, int length) => _chars.Slice(start, length);

    /// <summary>A writable view of text already appended, for in-place fix-ups such as lower-casing.</summary>
    public readonly Span<char> WritableSlice(int start) => _chars[start.._length];

    public void Append(char value)
    {
        if ((uint)_length < (uint)_chars.Length)
        {
            _chars[_length++] = value;
        }
        else
        {
            Grow(1);
            _chars[_length++] = value;
        }
    }

    public void Append(scoped ReadOnlySpan<char> value)
    {
        if (value.Length > _chars.Length - _length)
        {
            Grow(value.Length);
        }

        value.CopyTo(_chars[_length..]);
        _length += value.Length;
    }

    /// <summary>Reserves <paramref name="length"/> chars at the end and returns them for the caller to fill.</summary>
    public Span<char> AppendSpan(int length)
    {
        if (length > _chars.Length - _length)
        {
            Grow(length);
        }

        Span<char> span = _chars.Slice(_length, length);
        _length += length;
        return span;
    }

    /// <summary>Appends a copy of text this builder already holds (safe across a grow).</summary>
    public void AppendCopy(int start, int length)
    {
        if (length > _chars.Length - _length)
        {
            Grow(length);
        }

        _chars.Slice(start, length).CopyTo(_chars[_length..]);
        _length += length;
    }

    public readonly string ToString(int start) => new(_chars[start.._length]);

    public override readonly string ToString() => new(_chars[.._length]);

    public void Dispose()
    {
        char[]? rented = _rented;
        this = default;
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    private void Grow(int additional)
    {
        int needed = checked(_length + additional);
        int doubled = (int)Math.Min((uint)_chars.Length * 2, (uint)Array.MaxLength);
        char[] next = ArrayPool<char>.Shared.Rent(Math.Max(needed, doubled));
        _chars[.._length].CopyTo(next);

        char[]? previous = _rented;
        _chars = _rented = next;
        if (previous is not null)
        {
            ArrayPool<char>.Shared.Return(previous);
        }
    }
}
