using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Tool.Cli;
using IdempotentConsumer.Tool.Commands;

namespace IdempotentConsumer.Tool;

/// <summary>Dispatches a command line and turns every failure into one line on stderr and an exit code.</summary>
internal static class ToolApp
{
    private const string Usage =
        """
        idempotency: inspect and repair IdempotentConsumer records.

          idempotency key --prefix P [--key-path EXPR] [--hash sha256|md5] [--key-format default|powertools]
                          [--body JSON | --body-file FILE | (stdin)]
          idempotency show KEY            STORE [--json]
          idempotency list [--in-progress | --stuck | --expired] [--limit N] STORE [--json]
          idempotency evict KEY [--yes]   STORE [--json]
          idempotency purge-expired       STORE [--json]

        STORE: --store dynamodb --table T [--endpoint URL] [--region R] [--key-attr A] [--sort-key-attr A]
                                          [--partition-value V] [--powertools-interop]
               --store sqlite --database FILE [--table T]
               --store redis --connection HOST:PORT [--key-prefix idempotency:] [--database N]
        Exit codes: 0 ok, 1 store failure, 2 bad input, 3 no such record, 4 eviction not confirmed.
        """;

    public static async Task<int> RunAsync(string[] args, TextReader input, TextWriter output, TextWriter error, TimeProvider time, CancellationToken cancellationToken)
    {
        var console = new ToolConsole(input, output, error, time);
        try
        {
            var parsed = ToolArguments.Parse(args);
            return parsed.Command switch
            {
                "key" => KeyCommand.Run(parsed, console),
                "show" => await ShowCommand.RunAsync(parsed, console, cancellationToken).ConfigureAwait(false),
                "list" => await ListCommand.RunAsync(parsed, console, cancellationToken).ConfigureAwait(false),
                "evict" => await EvictCommand.RunAsync(parsed, console, cancellationToken).ConfigureAwait(false),
                "purge-expired" => await PurgeExpiredCommand.RunAsync(parsed, console, cancellationToken).ConfigureAwait(false),
                "help" or "--help" or "-h" => Help(output),
                var other => throw new UsageException($"Unknown command '{other}'. Run 'idempotency help'."),
            };
        }
        catch (UsageException exception)
        {
            await error.WriteLineAsync("error: " + exception.Message).ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
        catch (Exception exception) when (exception is IdempotencyConfigurationException or IdempotencyKeyInvalidException or MessageDeserializationException)
        {
            // A key path that does not parse, a body the key code refuses.
            await error.WriteLineAsync("error: " + exception.Message).ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
        catch (Exception exception) when (exception is IdempotencyException or Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or Microsoft.Data.Sqlite.SqliteException or StackExchange.Redis.RedisException or IOException)
        {
            await error.WriteLineAsync("error: " + exception.Message).ConfigureAwait(false);
            return ExitCodes.StoreFailure;
        }
    }

    private static int Help(TextWriter output)
    {
        output.WriteLine(Usage);
        return ExitCodes.Success;
    }
}
