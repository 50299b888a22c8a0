namespace IdempotentConsumer.Sqs.Producer.Options;

/// <summary>What SQS accepts in a <c>SendMessageBatch</c> request.</summary>
internal static class SqsLimits
{
    public const int MaxBatchEntries = 10;

    public const int DefaultMaxBatchBytes = 256 * 1024;

    /// <summary>MessageGroupId and MessageDeduplicationId: at most 128 characters.</summary>
    public const int MaxIdLength = 128;

    /// <summary>MessageGroupId and MessageDeduplicationId: alphanumerics and ASCII punctuation only.</summary>
    public static bool IsValidId(string value)
    {
        if (value.Length is 0 or > MaxIdLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && !(char.IsAscii(c) && char.IsPunctuation(c)) && !(char.IsAscii(c) && char.IsSymbol(c)))
            {
                return false;
            }
        }

        return true;
    }
}
