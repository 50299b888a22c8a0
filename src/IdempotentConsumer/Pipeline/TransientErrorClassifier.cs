using System.Net.Sockets;
using IdempotentConsumer.Exceptions;

namespace IdempotentConsumer.Pipeline;

/// <summary>Decides which handler failures are worth an in-process retry (the default of <see cref="MessageRetryOptions.ShouldRetry"/>).</summary>
public static class TransientErrorClassifier
{
    /// <summary>
    /// True for timeouts, network and I/O failures, <see cref="TransientMessageException"/>, and transient
    /// store failures. False for everything else: bad input, validation and programming errors never heal by retrying.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        TransientMessageException => true,
        IdempotencyPersistenceException => true,
        IdempotencyException => false,
        TimeoutException => true,
        HttpRequestException => true,
        SocketException => true,
        IOException => true,
        _ => false,
    };
}
