using Microsoft.Extensions.Configuration;

namespace IdempotentConsumer.Sqs.Producer.Options;

/// <summary>
/// Binds the configuration-bindable members of <see cref="SqsSenderOptions"/> one by one through source-generated calls
/// (the options also hold a key source and serializer options the binder must not touch). Absent keys leave the current values.
/// </summary>
internal static class SqsSenderOptionsBinder
{
    public static void Bind(IConfiguration configuration, SqsSenderOptions options)
    {
        options.QueueUrl = configuration.GetValue(nameof(options.QueueUrl), options.QueueUrl)!;
        options.KeyPrefix = configuration.GetValue(nameof(options.KeyPrefix), options.KeyPrefix)!;
        options.KeyJmesPath = configuration.GetValue(nameof(options.KeyJmesPath), options.KeyJmesPath);
        options.HashAlgorithm = configuration.GetValue(nameof(options.HashAlgorithm), options.HashAlgorithm);
        options.KeyAttributeName = configuration.GetValue(nameof(options.KeyAttributeName), options.KeyAttributeName)!;
        options.MaxAttempts = configuration.GetValue(nameof(options.MaxAttempts), options.MaxAttempts);
        options.InitialRetryDelay = configuration.GetValue(nameof(options.InitialRetryDelay), options.InitialRetryDelay);
        options.MaxRetryDelay = configuration.GetValue(nameof(options.MaxRetryDelay), options.MaxRetryDelay);
        options.UseJitter = configuration.GetValue(nameof(options.UseJitter), options.UseJitter);
        options.MaxBatchBytes = configuration.GetValue(nameof(options.MaxBatchBytes), options.MaxBatchBytes);
    }

}
