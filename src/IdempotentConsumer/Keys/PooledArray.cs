using System.Buffers;

namespace IdempotentConsumer.Keys;

/// <summary>Growing an array rented from <see cref="ArrayPool{T}"/> without leaking the old one.</summary>
internal static class PooledArray
{
    /// <summary>
    /// Replaces <paramref name="array"/> with a pooled array of at least <paramref name="minimumLength"/> (and at least
    /// twice its length, so repeated growth stays linear), keeping its first <paramref name="used"/> items, and returns
    /// the old one to the pool.
    /// </summary>
    public static void Grow<T>(ref T[] array, int used, int minimumLength)
    {
        var grown = ArrayPool<T>.Shared.Rent(Math.Max(array.Length * 2, minimumLength));
        array.AsSpan(0, used).CopyTo(grown);
        ArrayPool<T>.Shared.Return(array);
        array = grown;
    }
}
