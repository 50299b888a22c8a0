using System.Reflection;
using System.Runtime.ExceptionServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace IdempotentConsumer.DynamoDB.Tests.Transactions;

/// <summary>
/// A client whose TransactWriteItems replies are lost after the request landed, as often as <see cref="LoseReply"/>
/// says: the caller sees a failure although the transaction committed (the crash "reply lost after commit").
/// </summary>
public class ReplyLosingDynamoDb : DispatchProxy
{
    private IAmazonDynamoDB _inner = null!;
    private Func<bool> _loseReply = () => false;
    private int _lost;

    public int Lost => Volatile.Read(ref _lost);

    public static IAmazonDynamoDB Wrap(IAmazonDynamoDB inner, Func<bool> loseReply, out ReplyLosingDynamoDb proxy)
    {
        var client = Create<IAmazonDynamoDB, ReplyLosingDynamoDb>();
        proxy = (ReplyLosingDynamoDb)(object)client;
        proxy._inner = inner;
        proxy._loseReply = loseReply;
        return client;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        object? result;
        try
        {
            result = targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(ex.InnerException);
            throw;
        }

        return result is Task<TransactWriteItemsResponse> commit ? LoseAfterAsync(commit) : result;
    }

    private async Task<TransactWriteItemsResponse> LoseAfterAsync(Task<TransactWriteItemsResponse> commit)
    {
        var response = await commit;
        if (_loseReply())
        {
            Interlocked.Increment(ref _lost);
            throw new AmazonDynamoDBException("The reply was lost after the transaction committed (injected).");
        }

        return response;
    }
}
