using System.Net;
using System.Net.Sockets;
using System.Text;

namespace IdempotentConsumer.TestInfrastructure.Processes;

/// <summary>A readiness check for Redis-protocol servers: PING over a plain socket answers <c>+PONG</c>.</summary>
public static class RespPing
{
    private static readonly byte[] Ping = Encoding.ASCII.GetBytes("PING\r\n");
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// True when the server on 127.0.0.1:<paramref name="port"/> answers PING with PONG. A server still loading its
    /// data answers <c>-LOADING</c> and is not ready yet.
    /// </summary>
    public static async Task<bool> AnswersAsync(int port, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            var stream = client.GetStream();
            await stream.WriteAsync(Ping, timeout.Token);
            var buffer = new byte[64];
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception exception) when (exception is SocketException or IOException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }
}
