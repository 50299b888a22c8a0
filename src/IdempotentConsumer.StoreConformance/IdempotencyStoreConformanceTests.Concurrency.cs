using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;
using Xunit;

namespace IdempotentConsumer.StoreConformance;

public abstract partial class IdempotencyStoreConformanceTests
{
    /// <summary>The core promise: among simultaneous contenders, exactly one runs the handler.</summary>
    [Fact]
    public async Task Given_many_attempts_racing_on_one_key_When_they_begin_at_once_Then_exactly_one_wins_in_every_round()
    {
        for (var round = 0; round < RaceRounds; round++)
        {
            await RaceOnceAsync(round);
        }
    }

    // One race of RaceContenders attempts on a fresh key; exactly one wins and every loser sees the winner's record.
    private async Task RaceOnceAsync(int round)
    {
        var key = NewKey();
        var requests = Enumerable.Range(0, RaceContenders).Select(_ => NewBegin(key, NewOwner())).ToArray();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var contenders = requests
            .Select(request => Task.Run(async () =>
            {
                await start.Task;
                return await Store.TryBeginAsync(request);
            }))
            .ToArray();

        start.SetResult();
        var results = await Task.WhenAll(contenders);

        var winners = requests.Zip(results).Where(pair => pair.Second.Acquired).Select(pair => pair.First.OwnerToken).ToList();
        Assert.True(winners.Count == 1, $"Round {round}: expected exactly one winner, got {winners.Count}.");
        var winner = winners[0];
        foreach (var loser in results.Where(result => !result.Acquired))
        {
            Assert.NotNull(loser.Existing);
            Assert.Equal(IdempotencyRecordStatus.InProgress, loser.Existing.Status);
            Assert.Equal(winner, loser.Existing.OwnerToken);
        }

        Assert.Equal(winner, (await GetExistingAsync(key)).OwnerToken);
    }
}
