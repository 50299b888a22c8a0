using Microsoft.Extensions.Configuration;

namespace IdempotentConsumer;

/// <summary>Binds <see cref="IdempotencyOptions"/> from configuration without the reflection-based binder.</summary>
public static class IdempotencyOptionsConfigurationExtensions
{
    /// <summary>
    /// Sets the members of <paramref name="options"/> that configuration can hold (key prefix, expiry, lease,
    /// JMESPath expressions, cache, hash algorithm, flags) from the keys present in <paramref name="configuration"/>;
    /// absent keys leave the current values. Serializer options, key sources and hooks are code-only.
    /// Trim and Native AOT safe: the binding code is source-generated.
    /// </summary>
    /// <returns><paramref name="options"/>.</returns>
    public static IdempotencyOptions Bind(this IdempotencyOptions options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = new IdempotencyConfigurationSettings();
        configuration.Bind(settings);
        settings.ApplyTo(options);
        return options;
    }
}
