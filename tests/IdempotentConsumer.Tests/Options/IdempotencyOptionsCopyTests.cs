using System.Reflection;
using System.Text.Json;
using IdempotentConsumer.Keys;
using Xunit;

namespace IdempotentConsumer.Tests.Options;

/// <summary><see cref="IdempotencyOptions.CopyTo"/>: options built once, reproduced in every consumer.</summary>
public sealed class IdempotencyOptionsCopyTests
{
    [Fact]
    public void Given_options_with_every_setting_changed_When_copied_Then_the_target_equals_the_source_in_every_property()
    {
        var source = new IdempotencyOptions
        {
            KeyPrefix = "storm-7f3a",
            RecordExpiry = TimeSpan.FromMinutes(7),
            InProgressLease = TimeSpan.FromSeconds(42),
            KeyJmesPath = "orderId",
            KeySource = IdempotencyKeySource.FromJmesPath("orderId"),
            KeyAttribute = "order-key",
            KeyAttributeFallback = KeyAttributeFallback.Fail,
            VerifyKeyAttribute = true,
            PayloadValidationJmesPath = "amount",
            PayloadValidationSource = IdempotencyKeySource.FromJmesPath("amount"),
            ThrowOnMissingKey = true,
            UseLocalCache = true,
            LocalCacheMaxItems = 17,
            HashAlgorithm = IdempotencyHashAlgorithm.Md5,
            Disabled = true,
            MaxInconsistentStateAttempts = 9,
            SerializerOptions = new JsonSerializerOptions(),
            ResponseHook = (response, _) => response,
            BatchPrecheck = Batching.BatchPrecheckMode.Never,
            KeyFormat = IdempotencyKeyFormat.Powertools,
            InProgressWaitTimeout = TimeSpan.FromSeconds(9),
            InProgressWaitPollDelay = TimeSpan.FromMilliseconds(250),
            InProgressWaitMaxPollDelay = TimeSpan.FromSeconds(3),
        };
        var target = new IdempotencyOptions();

        source.CopyTo(target);

        // Every public settable property, so a setting added later without a line in CopyTo fails here.
        var properties = typeof(IdempotencyOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToList();
        Assert.NotEmpty(properties);
        Assert.All(properties, p => Assert.Equal(p.GetValue(source), p.GetValue(target)));
        Assert.All(properties, p => Assert.NotEqual(p.GetValue(new IdempotencyOptions()), p.GetValue(target)));
    }
}
