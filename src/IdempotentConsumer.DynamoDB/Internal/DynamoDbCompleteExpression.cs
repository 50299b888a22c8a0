namespace IdempotentConsumer.DynamoDB.Internal;

/// <summary>
/// The UpdateExpression of a complete, one per shape of the completed record, built once: a complete runs per record,
/// and its expression used to be concatenated on every call.
/// </summary>
internal static class DynamoDbCompleteExpression
{
    // Index: response (0 none, 1 stored, 2 not stored) * 2 + (validation hash ? 1 : 0).
    private static readonly string[] Expressions = Build();

    /// <summary>The expression for a record with or without a stored response, the not-stored marker and a validation hash.</summary>
    public static string For(bool storesResponse, bool responseNotStored, bool hasValidation) =>
        Expressions[((responseNotStored ? 2 : storesResponse ? 1 : 0) * 2) + (hasValidation ? 1 : 0)];

    private static string[] Build()
    {
        var expressions = new string[6];
        for (var response = 0; response < 3; response++)
        {
            for (var validation = 0; validation < 2; validation++)
            {
                var set = "SET #status = :completed, #expiry = :expiry";
                var remove = " REMOVE #lease";
                set += response == 1 ? ", #data = :data" : string.Empty;
                remove += response == 1 ? string.Empty : ", #data";
                set += response == 2 ? ", #nostore = :nostore" : string.Empty;
                remove += response == 2 ? string.Empty : ", #nostore";
                set += validation == 1 ? ", #validation = :validation" : string.Empty;
                expressions[(response * 2) + validation] = set + remove;
            }
        }

        return expressions;
    }
}
