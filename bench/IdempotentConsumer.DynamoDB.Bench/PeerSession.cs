using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;

namespace IdempotentConsumer.DynamoDB.Bench;

/// <summary>One timed round of the peer: new records, then the same records as duplicates.</summary>
internal sealed record PeerRound(bool Correctness, double NewPerSecond, double DuplicatesPerSecond, double NewCpuMicrosecondsPerRecord, double DuplicateCpuMicrosecondsPerRecord);

/// <summary>
/// The Powertools for AWS Lambda (TypeScript) peer (tests/infra/powertools-peer/bench-peer.mjs) as one long-lived
/// node process per emulator: it warms up once when started, then runs one timed round per <see cref="RoundAsync"/>,
/// so its rounds interleave with ours while its JIT and connections stay warm. Its client CPU is the node process's
/// own user + system time over each phase, measured inside it.
/// </summary>
internal sealed class PeerSession : IAsyncDisposable
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromMinutes(15);
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly Task _stdout;
    private readonly Task<string> _stderr;

    private PeerSession(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
        _stdout = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.StartsWith('{'))
                {
                    await _lines.Writer.WriteAsync(line);
                }
            }

            _lines.Writer.Complete();
        });
    }

    /// <summary>What the peer runs, as it names itself.</summary>
    public string Name { get; private set; } = "peer";

    /// <summary>Starts the peer and waits for its warm-up to finish.</summary>
    /// <param name="peerDirectory">The folder with bench-peer.mjs and its node_modules.</param>
    /// <param name="endpoint">The emulator.</param>
    /// <param name="settings">Records per phase, concurrency and warm-up records.</param>
    /// <param name="batch">SQS batches of 10 through the Powertools batch utility, instead of single records.</param>
    public static async Task<PeerSession> StartAsync(string peerDirectory, string endpoint, BenchSettings settings, bool batch)
    {
        var startInfo = new ProcessStartInfo("node", ["bench-peer.mjs"])
        {
            WorkingDirectory = peerDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.Environment["DDB_ENDPOINT"] = endpoint;
        startInfo.Environment["DDB_TABLE"] = batch ? "idempotency-peer-batch" : "idempotency-peer";
        startInfo.Environment["MODE"] = batch ? "batch" : "store";
        startInfo.Environment["N"] = settings.Records.ToString(CultureInfo.InvariantCulture);
        startInfo.Environment["CONCURRENCY"] = settings.Concurrency.ToString(CultureInfo.InvariantCulture);
        startInfo.Environment["WARMUP"] = settings.WarmupRecords.ToString(CultureInfo.InvariantCulture);
        var session = new PeerSession(Process.Start(startInfo) ?? throw new InvalidOperationException("Cannot start node."));
        using var ready = await session.NextAsync("ready");
        session.Name = ready.RootElement.GetProperty("peer").GetString() ?? "peer";
        if (!ready.RootElement.GetProperty("warmupCorrect").GetBoolean())
        {
            throw new InvalidOperationException($"The peer's warm-up ran a handler more or less than once per record: {ready.RootElement}");
        }

        return session;
    }

    /// <summary>Runs one timed round in the peer.</summary>
    public async Task<PeerRound> RoundAsync()
    {
        await _process.StandardInput.WriteLineAsync("round");
        await _process.StandardInput.FlushAsync();
        using var reply = await NextAsync("round");
        var root = reply.RootElement;
        var fresh = root.GetProperty("fresh");
        var duplicate = root.GetProperty("duplicate");
        return new PeerRound(
            root.GetProperty("correctness").GetBoolean(),
            fresh.GetProperty("opsPerSec").GetDouble(),
            duplicate.GetProperty("opsPerSec").GetDouble(),
            fresh.GetProperty("cpuMicrosPerRecord").GetDouble(),
            duplicate.GetProperty("cpuMicrosPerRecord").GetDouble());
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _process.StandardInput.WriteLineAsync("exit");
            await _process.StandardInput.FlushAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception error) when (error is IOException or OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _stdout;
        _process.Dispose();
    }

    private async Task<JsonDocument> NextAsync(string expectedEvent)
    {
        using var timeout = new CancellationTokenSource(ReplyTimeout);
        try
        {
            var line = await _lines.Reader.ReadAsync(timeout.Token);
            var json = JsonDocument.Parse(line);
            if (json.RootElement.GetProperty("event").GetString() != expectedEvent)
            {
                json.Dispose();
                throw new InvalidOperationException($"The peer answered {line} where '{expectedEvent}' was expected.");
            }

            return json;
        }
        catch (ChannelClosedException)
        {
            await _process.WaitForExitAsync();
            throw new InvalidOperationException($"The peer exited with {_process.ExitCode} before '{expectedEvent}':{Environment.NewLine}{await _stderr}");
        }
    }
}
