namespace IdempotentConsumer.Reliability.Tests.Support;

/// <summary>
/// A request keyed by the composite <c>[userId, orderId]</c>; anonymous requests carry neither, so their key is
/// missing and they must run unguarded, never sharing one record (and one stored response) between users.
/// </summary>
public sealed record AccountRequest(string? UserId, string? OrderId, string RequestId)
{
    /// <summary>The i-th request of a storm: every fifth is anonymous (both key members null).</summary>
    public static AccountRequest Numbered(int index) => index % 5 == 0
        ? new AccountRequest(null, null, $"request-{index:D6}")
        : new AccountRequest($"user-{index % 97}", $"order-{index:D6}", $"request-{index:D6}");

    /// <summary>The response its handler returns: names whose request it answers, so a replay to another user shows.</summary>
    public string Response => $"answer for {UserId ?? "anonymous"}/{OrderId ?? "-"}/{RequestId}";
}
