using System.Globalization;

namespace IdempotentConsumer.Storm;

/// <summary>Command-line settings of the large storm run.</summary>
internal sealed record StormArguments
{
    public int Orders { get; init; } = 10_000;

    public int Consumers { get; init; } = 8;

    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(1);

    public int? Seed { get; init; }

    /// <summary>Orders per extended scenario (0 skips the extended storm).</summary>
    public int ExtendedOrders { get; init; } = 1_000;

    public IReadOnlyList<string> Stores { get; init; } = ["in-memory", "sqlite", "dynamodb-local"];

    public static string Usage =>
        """
        Runs the duplicate storm (30% duplicate sends, 5% concurrent copies, 5% lost acknowledgements,
        5% crashes after the side effect, 1% before completion, 1% handlers outliving their lease,
        1% store faults) on each store and prints its figures.

          --orders N         orders per store (default 10000)
          --consumers N      concurrent consumers (default 8)
          --lease-ms N       in-progress lease and visibility timeout in ms (default 1000)
          --extended-orders N  orders per extended-storm scenario (default 1000; 0 skips them): handlers
                             outliving RecordExpiry, lease-extension faults, lost begin replies,
                             unstorable responses, all-null composite keys, maxReceiveCount 3 with crashes
          --seed N           seed of the storm's random choices (default: random, printed)
          --stores a,b       any of in-memory, sqlite, dynamodb-local (default: all three)
        """;

    public static StormArguments Parse(string[] args)
    {
        var parsed = new StormArguments();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            parsed = args[i] switch
            {
                "--orders" => parsed with { Orders = PositiveInt(Value(), "--orders") },
                "--consumers" => parsed with { Consumers = PositiveInt(Value(), "--consumers") },
                "--lease-ms" => parsed with { Lease = TimeSpan.FromMilliseconds(PositiveInt(Value(), "--lease-ms")) },
                "--extended-orders" => parsed with { ExtendedOrders = int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture) },
                "--seed" => parsed with { Seed = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--stores" => parsed with { Stores = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                _ => throw new ArgumentException($"Unknown argument '{args[i]}'."),
            };
        }

        var unknown = parsed.Stores.Except(StormStores.Names, StringComparer.Ordinal).ToList();
        return unknown.Count == 0 ? parsed : throw new ArgumentException($"Unknown store(s): {string.Join(", ", unknown)}.");
    }

    private static int PositiveInt(string text, string name) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{name} takes a positive whole number, not '{text}'.");
}
