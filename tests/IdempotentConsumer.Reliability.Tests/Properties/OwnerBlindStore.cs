using IdempotentConsumer.Exceptions;
using IdempotentConsumer.Records;
using IdempotentConsumer.Stores;

namespace IdempotentConsumer.Reliability.Tests.Properties;

/// <summary>
/// A deliberately broken store, as Powertools' writes are: begin is conditional, but complete and release
/// only need the record to exist, whoever owns it. The property checks must catch it.
/// </summary>
internal sealed class OwnerBlindStore : IIdempotencyStore
{
    private readonly Dictionary<string, IdempotencyRecord> _records = new(StringComparer.Ordinal);
    private readonly Lock _sync = new();

    public ValueTask<BeginResult> TryBeginAsync(BeginRequest request, CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            if (_records.TryGetValue(request.Key, out var existing) && !existing.IsExpired(request.Now) && !existing.IsLeaseExpired(request.Now))
            {
                return ValueTask.FromResult(BeginResult.Lost(existing));
            }

            _records[request.Key] = new IdempotencyRecord
            {
                Key = request.Key,
                Status = IdempotencyRecordStatus.InProgress,
                ExpiresAt = request.ExpiresAt,
                InProgressExpiresAt = request.InProgressExpiresAt,
                OwnerToken = request.OwnerToken,
            };
            return ValueTask.FromResult(BeginResult.Won());
        }
    }

    public ValueTask CompleteAsync(CompleteRequest request, CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            var current = Existing(request.Key);
            _records[request.Key] = current with { Status = IdempotencyRecordStatus.Completed, ExpiresAt = request.ExpiresAt, InProgressExpiresAt = null, ResponseData = request.ResponseData, OwnerToken = request.OwnerToken };
            return ValueTask.CompletedTask;
        }
    }

    public ValueTask ReleaseAsync(string key, string ownerToken, CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            Existing(key);
            _records.Remove(key);
            return ValueTask.CompletedTask;
        }
    }

    public ValueTask ExtendLeaseAsync(ExtendLeaseRequest request, CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            var current = Existing(request.Key);
            if (current.OwnerToken != request.OwnerToken || current.Status != IdempotencyRecordStatus.InProgress)
            {
                throw new IdempotencyStaleOwnerException("not the owner");
            }

            _records[request.Key] = current with { InProgressExpiresAt = request.InProgressExpiresAt, ExpiresAt = request.ExpiresAt };
            return ValueTask.CompletedTask;
        }
    }

    public ValueTask<IdempotencyRecord?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            return ValueTask.FromResult(_records.GetValueOrDefault(key));
        }
    }

    public ValueTask<IReadOnlyDictionary<string, IdempotencyRecord>> GetManyAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            IReadOnlyDictionary<string, IdempotencyRecord> found = keys.Where(_records.ContainsKey).ToDictionary(k => k, k => _records[k]);
            return ValueTask.FromResult(found);
        }
    }

    private IdempotencyRecord Existing(string key) =>
        _records.TryGetValue(key, out var record) ? record : throw new IdempotencyStaleOwnerException("no record");
}
