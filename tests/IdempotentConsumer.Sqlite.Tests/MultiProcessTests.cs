using IdempotentConsumer.Records;
using Xunit;

namespace IdempotentConsumer.Sqlite.Tests;

/// <summary>Real separate processes, each with its own store, race on one database file.</summary>
public sealed class MultiProcessTests : IDisposable
{
    private const int Processes = 3;
    private const int Keys = 40;
    private const int ConcurrencyPerProcess = 4;

    private readonly TemporaryDatabase _database = new();

    [Fact]
    public async Task Given_three_processes_on_one_file_When_each_races_4_attempts_per_key_on_the_same_40_keys_Then_every_key_has_exactly_one_winner()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var contenders = Enumerable.Range(0, Processes)
            .Select(_ => ContenderProcess.Start(_database.FilePath, Keys, ConcurrencyPerProcess, "race"))
            .ToList();
        try
        {
            // Everyone opens the file (and the first one creates the schema) before anyone races.
            await Task.WhenAll(contenders.Select(contender => contender.WaitUntilReadyAsync(timeout.Token)));
            await Task.WhenAll(contenders.Select(contender => contender.GoAsync()));
            var wins = await Task.WhenAll(contenders.Select(contender => contender.CollectWinsAsync(timeout.Token)));

            var allWins = wins.SelectMany(w => w).ToList();
            var expectedKeys = Enumerable.Range(0, Keys).Select(index => $"race#{index}").Order(StringComparer.Ordinal);
            Assert.Equal(expectedKeys, allWins.Order(StringComparer.Ordinal));

            // The record on disk names the winning process (owner tokens start with the process id).
            await using var store = _database.CreateStore();
            var records = await store.GetManyAsync(allWins);
            for (var index = 0; index < contenders.Count; index++)
            {
                foreach (var key in wins[index])
                {
                    Assert.Equal(IdempotencyRecordStatus.InProgress, records[key].Status);
                    Assert.StartsWith($"{contenders[index].Id}-", records[key].OwnerToken, StringComparison.Ordinal);
                }
            }
        }
        finally
        {
            foreach (var contender in contenders)
            {
                contender.Dispose();
            }
        }
    }

    public void Dispose() => _database.Dispose();
}
