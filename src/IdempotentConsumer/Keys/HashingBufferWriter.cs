using System.Buffers;
using System.Security.Cryptography;

namespace IdempotentConsumer.Keys;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> that feeds what is written into an incremental hash whenever its pooled
/// buffer fills, so hashing canonical JSON needs a buffer of a few kilobytes, whatever the payload's size.
/// </summary>
internal sealed class HashingBufferWriter : IBufferWriter<byte>, IDisposable
{
    // Utf8JsonWriter asks for 4 KB at a time; twice that leaves room before every flush.
    private const int BufferSize = 16 * 1024;

    private readonly IncrementalHash _hash;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _written;

    public HashingBufferWriter(IdempotencyHashAlgorithm algorithm) =>
        _hash = IncrementalHash.CreateHash(algorithm == IdempotencyHashAlgorithm.Md5 ? HashAlgorithmName.MD5 : HashAlgorithmName.SHA256);

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Hashes what is left and writes the digest; returns its length.</summary>
    public int Finish(Span<byte> digest)
    {
        Flush();
        return _hash.GetHashAndReset(digest);
    }

    public void Dispose()
    {
        _hash.Dispose();
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Flush()
    {
        if (_written > 0)
        {
            _hash.AppendData(_buffer, 0, _written);
            _written = 0;
        }
    }

    private void Ensure(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= needed)
        {
            return;
        }

        Flush();
        if (_buffer.Length < needed)
        {
            // One value larger than the buffer (a long string): grow to it; still bounded by the largest value.
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(needed);
        }
    }
}
