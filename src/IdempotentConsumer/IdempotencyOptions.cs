using System.Text.Json;
using IdempotentConsumer.Keys;

namespace IdempotentConsumer;

/// <summary>
/// Settings of one idempotent consumer. Bindable from configuration (section <c>Idempotency</c> by
/// convention); the delegate-valued members are set in code.
/// </summary>
public sealed class IdempotencyOptions
{
    /// <summary>The configuration section name used by <c>AddIdempotency(configuration)</c>.</summary>
    public const string SectionName = "Idempotency";

    /// <summary>
    /// The stable name of this consumer, prepended verbatim to every key (<c>{KeyPrefix}#{hash}</c>).
    /// Set it once; it must not change when code is renamed, or duplicates across a deploy run again.
    /// </summary>
    public string KeyPrefix { get; set; } = "default";

    /// <summary>How long a completed record deduplicates. Default: 1 hour.</summary>
    public TimeSpan RecordExpiry { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The in-progress lease used when the adapter supplies none (Lambda supplies the remaining time,
    /// the worker the visibility timeout). Default: 5 minutes.
    /// </summary>
    public TimeSpan InProgressLease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// JMESPath expression selecting the key from the JSON payload (e.g. <c>orderId</c> or
    /// <c>powertools_json(body).orderId</c>). Ignored when <see cref="KeySource"/> is set.
    /// Null and no <see cref="KeySource"/>: the whole payload is the key.
    /// </summary>
    public string? KeyJmesPath { get; set; }

    /// <summary>The key source in code (typed selector, JMESPath or whole payload); overrides <see cref="KeyJmesPath"/>.</summary>
    public IdempotencyKeySource? KeySource { get; set; }

    /// <summary>
    /// The message attribute holding the key hash a producer stamped (<see cref="IdempotencyKeyAttribute.DefaultName"/>
    /// for the SQS sender). When set, and the message carries a well-formed hash there, the key is
    /// <c>{KeyPrefix}#{that hash}</c> (the same key the body would give) and the body is not read for it. A key taken from
    /// the delivery itself (the FIFO deduplication id, an envelope's key) still wins. Null (default): not used.
    /// </summary>
    public string? KeyAttribute { get; set; }

    /// <summary>What to do when <see cref="KeyAttribute"/> is missing or forged: key by the body (default) or fail the message.</summary>
    public KeyAttributeFallback KeyAttributeFallback { get; set; } = KeyAttributeFallback.UseBodyKey;

    /// <summary>
    /// Checks the stamped key against the key the body gives, and treats a mismatch as forged (see
    /// <see cref="KeyAttributeFallback"/>). It costs the body parse the attribute otherwise saves; for producers you do not
    /// trust. A value that is not a hash of <see cref="HashAlgorithm"/> is forged whether or not this is on. Default: off.
    /// </summary>
    public bool VerifyKeyAttribute { get; set; }

    /// <summary>JMESPath expression selecting the part of the payload whose hash is validated on replay. Null: no validation.</summary>
    public string? PayloadValidationJmesPath { get; set; }

    /// <summary>The payload-validation source in code; overrides <see cref="PayloadValidationJmesPath"/>.</summary>
    public IdempotencyKeySource? PayloadValidationSource { get; set; }

    /// <summary>
    /// When the key source finds no key: true → <see cref="Exceptions.IdempotencyKeyMissingException"/>;
    /// false (default, as Powertools) → the handler runs unguarded and the store is not called.
    /// A missing key is never hashed into a shared record.
    /// </summary>
    public bool ThrowOnMissingKey { get; set; }

    /// <summary>Keep COMPLETED records in a local LRU cache (never IN_PROGRESS ones). Default: off.</summary>
    public bool UseLocalCache { get; set; }

    /// <summary>Capacity of the local cache. Default: 256.</summary>
    public int LocalCacheMaxItems { get; set; } = 256;

    /// <summary>The hash algorithm for keys and payload validation. Default: SHA-256.</summary>
    public IdempotencyHashAlgorithm HashAlgorithm { get; set; } = IdempotencyHashAlgorithm.Sha256;

    /// <summary>
    /// How key material is written and hashed: <see cref="IdempotencyKeyFormat.Default"/>, or
    /// <see cref="IdempotencyKeyFormat.Powertools"/> to share records with Powertools for AWS Lambda (use
    /// <see cref="IdempotencyHashAlgorithm.Md5"/> with it, Powertools' default).
    /// </summary>
    public IdempotencyKeyFormat KeyFormat { get; set; } = IdempotencyKeyFormat.Default;

    /// <summary>
    /// Turns idempotency off (the handler always runs, no store call). Also forced on by the environment
    /// variables <c>IDEMPOTENCY_DISABLED</c> or <c>POWERTOOLS_IDEMPOTENCY_DISABLED</c> set to a true value.
    /// </summary>
    public bool Disabled { get; set; }

    /// <summary>How many times a begin that lost to a record that then vanished is tried in all. Default: 3.</summary>
    public int MaxInconsistentStateAttempts { get; set; } = 3;

    /// <summary>
    /// Serializer options for stored responses and for serializing typed payloads into key material. Default:
    /// <see cref="Serialization.IdempotencyJsonDefaults.Web"/>. For trimming or Native AOT, set options whose
    /// <see cref="JsonSerializerOptions.TypeInfoResolver"/> is a source-generated <c>JsonSerializerContext</c>
    /// that knows the payload and result types.
    /// </summary>
    public JsonSerializerOptions SerializerOptions { get; set; } = Serialization.IdempotencyJsonDefaults.Web;

    /// <summary>
    /// Runs on replays only (never on a first execution): receives the deserialized stored response and
    /// the record, returns the response to hand back (e.g. to add a header saying it is a replay).
    /// </summary>
    public Func<object?, Records.IdempotencyRecord, object?>? ResponseHook { get; set; }

    /// <summary>
    /// Batch adapters (Lambda SQS batches, the worker's receives): whether the keys of a batch are read in one
    /// consistent call first, so completed duplicates are answered from that read with no write. Default:
    /// <see cref="Batching.BatchPrecheckMode.Auto"/>.
    /// </summary>
    public Batching.BatchPrecheckMode BatchPrecheck { get; set; } = Batching.BatchPrecheckMode.Auto;

    /// <summary>
    /// How long a duplicate that finds the key in progress elsewhere waits for that attempt to complete, polling the
    /// store, before it fails with <see cref="Exceptions.IdempotencyAlreadyInProgressException"/>. It stops one
    /// <see cref="InProgressWaitPollDelay"/> before its own lease ends (the invocation's
    /// <see cref="Execution.IdempotencyInvocation{TPayload}.LeaseDuration"/>: in Lambda the invocation deadline minus the
    /// safety margin, in the worker the visibility timeout) and at once on cancellation. A completed original is replayed;
    /// one whose lease lapses (or that is released) is taken over by the normal begin. <see cref="TimeSpan.Zero"/>
    /// (default): no wait, the duplicate fails at once.
    /// </summary>
    public TimeSpan InProgressWaitTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>The first delay between polls while waiting for an in-progress original; it doubles up to <see cref="InProgressWaitMaxPollDelay"/>. Default: 100 ms.</summary>
    public TimeSpan InProgressWaitPollDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest delay between polls while waiting for an in-progress original. Default: 2 seconds.</summary>
    public TimeSpan InProgressWaitMaxPollDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A copy whose changes do not reach these options (a built consumer captures its own).</summary>
    public IdempotencyOptions Clone() => (IdempotencyOptions)MemberwiseClone();

    /// <summary>
    /// Copies every setting into <paramref name="target"/>, for an options callback that must reproduce options built
    /// once (e.g. <c>builder.WithIdempotency(shared.CopyTo)</c>, so a value made up once is the same in every consumer).
    /// </summary>
    /// <param name="target">The options to overwrite.</param>
    public void CopyTo(IdempotencyOptions target)
    {
        ArgumentNullException.ThrowIfNull(target);
        target.KeyPrefix = KeyPrefix;
        target.RecordExpiry = RecordExpiry;
        target.InProgressLease = InProgressLease;
        target.KeyJmesPath = KeyJmesPath;
        target.KeySource = KeySource;
        target.KeyAttribute = KeyAttribute;
        target.KeyAttributeFallback = KeyAttributeFallback;
        target.VerifyKeyAttribute = VerifyKeyAttribute;
        target.PayloadValidationJmesPath = PayloadValidationJmesPath;
        target.PayloadValidationSource = PayloadValidationSource;
        target.ThrowOnMissingKey = ThrowOnMissingKey;
        target.UseLocalCache = UseLocalCache;
        target.LocalCacheMaxItems = LocalCacheMaxItems;
        target.HashAlgorithm = HashAlgorithm;
        target.Disabled = Disabled;
        target.MaxInconsistentStateAttempts = MaxInconsistentStateAttempts;
        target.SerializerOptions = SerializerOptions;
        target.ResponseHook = ResponseHook;
        target.BatchPrecheck = BatchPrecheck;
        target.KeyFormat = KeyFormat;
        target.InProgressWaitTimeout = InProgressWaitTimeout;
        target.InProgressWaitPollDelay = InProgressWaitPollDelay;
        target.InProgressWaitMaxPollDelay = InProgressWaitMaxPollDelay;
    }
}
