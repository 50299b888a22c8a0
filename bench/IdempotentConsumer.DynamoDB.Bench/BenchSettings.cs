using System.Globalization;

namespace IdempotentConsumer.DynamoDB.Bench;

/// <summary>Command-line settings.</summary>
internal sealed record BenchSettings
{
    public int Records { get; init; } = 2000;

    public int Concurrency { get; init; } = 16;

    public int WarmupRecords { get; init; } = 300;

    /// <summary>How many times ours and the peer each run per backend (alternating who goes first); the best round counts.</summary>
    public int Rounds { get; init; } = 2;

    /// <summary>Which emulators to start: dynamodb-local, dynalite, or both.</summary>
    public IReadOnlyList<string> Backends { get; init; } = ["dynamodb-local", "dynalite"];

    /// <summary>An already running DynamoDB endpoint to use instead of starting emulators.</summary>
    public string? Endpoint { get; init; }

    /// <summary>The Powertools TypeScript peer's folder (shared/bench/ts-powertools); null: do not run it.</summary>
    public string? PeerDirectory { get; init; }

    /// <summary>Also time bare SDK calls (the floor under the store).</summary>
    public bool RawProbe { get; init; }

    /// <summary>Run the Lambda-shaped batch bench (pre-check modes, transactional mode) instead of the store bench and the peer.</summary>
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
                "--batch" => settings with { Batch = true, PeerDirectory = null },
                "--help" or "-h" => throw new ArgumentException(Usage),
                _ => throw new ArgumentException($"Unknown argument '{args[i]}'.{Environment.NewLine}{Usage}"),
            };
        }

        return settings;
    }

    public const string Usage =
        "usage: IdempotentConsumer.DynamoDB.Bench [--n 2000] [--concurrency 16] [--warmup 300] [--rounds 2] "
        + "[--backend dynamodb-local|dynalite|both | --endpoint http://127.0.0.1:PORT] [--peer DIR | --no-peer] [--raw] [--batch]";

    private static string? DefaultPeerDirectory()
    {
        // The steering repo's shared/ folder sits beside the project's clone.
        var candidate = Path.GetFullPath(Path.Combine(TestInfrastructure.RepoPaths.RepoRoot, "..", "shared", "bench", "ts-powertools"));
        return File.Exists(Path.Combine(candidate, "peer.mjs")) ? candidate : null;
    }
}
