using System.Globalization;

namespace IdempotentConsumer.DynamoDB.Bench;

/// <summary>Command-line settings.</summary>
internal sealed record BenchSettings
{
    public int Records { get; init; } = 2000;

    public int Concurrency { get; init; } = 16;

    /// <summary>
    /// Records each side runs new and then again as duplicates before its first timed round, in the process that is
    /// timed: 5000 makes 15 000 calls per side (a new record is 2 calls), past the SDK's and the JIT's settling.
    /// </summary>
    public int WarmupRecords { get; init; } = 5000;

    /// <summary>Timed rounds per backend; in each, ours, the peer and the ceiling run one after another (rotating who goes first).</summary>
    public int Rounds { get; init; } = 5;

    /// <summary>Which emulators to start: dynamodb-local, dynalite, or both.</summary>
    public IReadOnlyList<string> Backends { get; init; } = ["dynamodb-local", "dynalite"];

    /// <summary>An already running DynamoDB endpoint to use instead of starting emulators.</summary>
    public string? Endpoint { get; init; }

    /// <summary>The folder of the Powertools TypeScript peer (bench-peer.mjs and its node_modules); null: do not run it.</summary>
    public string? PeerDirectory { get; init; }

    /// <summary>Also time bare SDK calls (the floor under the store).</summary>
    public bool RawProbe { get; init; }

    /// <summary>Run the Lambda-shaped batch bench (SQS batches of 10; pre-check modes, transactional mode; the peer's batch utility) instead of the store bench.</summary>
    public bool Batch { get; init; }

    public static BenchSettings Parse(string[] args)
    {
        var settings = new BenchSettings { PeerDirectory = DefaultPeerDirectory() };
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            settings = args[i] switch
            {
                "--n" or "--records" => settings with { Records = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--concurrency" => settings with { Concurrency = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--rounds" => settings with { Rounds = Math.Max(1, int.Parse(Next(), CultureInfo.InvariantCulture)) },
                "--warmup" => settings with { WarmupRecords = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--backend" => settings with { Backends = Next() == "both" ? ["dynamodb-local", "dynalite"] : [args[i]] },
                "--endpoint" => settings with { Endpoint = Next(), Backends = ["endpoint"] },
                "--peer" => settings with { PeerDirectory = Path.GetFullPath(Next()) },
                "--no-peer" => settings with { PeerDirectory = null },
                "--raw" => settings with { RawProbe = true },
                "--batch" => settings with { Batch = true },
                "--help" or "-h" => throw new ArgumentException(Usage),
                _ => throw new ArgumentException($"Unknown argument '{args[i]}'.{Environment.NewLine}{Usage}"),
            };
        }

        return settings;
    }

    public const string Usage =
        "usage: IdempotentConsumer.DynamoDB.Bench [--n 2000] [--concurrency 16] [--warmup 5000] [--rounds 5] "
        + "[--backend dynamodb-local|dynalite|both | --endpoint http://127.0.0.1:PORT] [--peer DIR | --no-peer] [--raw] [--batch]";

    private static string? DefaultPeerDirectory()
    {
        // Installed by tests/infra/install.sh (npm ci of the pinned lockfile).
        var candidate = Path.Combine(TestInfrastructure.RepoPaths.InfraDirectory, "powertools-peer");
        return File.Exists(Path.Combine(candidate, "bench-peer.mjs")) && Directory.Exists(Path.Combine(candidate, "node_modules", "@aws-lambda-powertools", "idempotency"))
            ? candidate
            : null;
    }
}
