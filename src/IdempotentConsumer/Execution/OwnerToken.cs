using System.Security.Cryptography;

namespace IdempotentConsumer.Execution;

/// <summary>
/// Per-attempt tokens that fence a record to the attempt that wrote it. A token only has to differ from
/// every other attempt's, in this process and any other; it is not a secret. So instead of a random GUID
/// per attempt (a system call each), it is a random process prefix (80 bits, drawn once) followed by a
/// 48-bit counter: unique within the process by construction, and across processes unless two of them
/// draw the same 80 bits. 32 hex characters, like a GUID in "N" format.
/// </summary>
internal static class OwnerToken
{
    private static readonly string ProcessPrefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));
    private static long _counter;

    public static string New()
    {
        var sequence = Interlocked.Increment(ref _counter) & 0xFFFF_FFFF_FFFF;
        return string.Create(32, sequence, static (chars, value) =>
        {
            ProcessPrefix.AsSpan().CopyTo(chars);
            value.TryFormat(chars[20..], out _, "x12");
        });
    }
}
