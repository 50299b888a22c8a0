using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace IdempotentConsumer.TestInfrastructure;

/// <summary>Finds TCP ports on 127.0.0.1 that nothing listens on.</summary>
public static class FreePort
{
    // Ports handed out in this process are never handed out twice, so two fixtures starting at once cannot collide.
    private static readonly ConcurrentDictionary<int, bool> HandedOut = new();

    /// <summary>
    /// A port that was free a moment ago. Another process may still take it before the emulator binds;
    /// <see cref="Processes.EmulatorProcess"/> retries on a new port when that happens.
    /// </summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            if (HandedOut.TryAdd(port, true))
            {
                return port;
            }
        }

        throw new InvalidOperationException("Could not find a free TCP port on 127.0.0.1 in 100 attempts.");
    }

    /// <summary>True when something accepts TCP connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task<bool> IsListeningAsync(int port, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var client = new TcpClient();
        using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connectTimeout.CancelAfter(timeout);
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, connectTimeout.Token);
            return true;
        }
        catch (Exception exception) when (exception is SocketException || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }
}
