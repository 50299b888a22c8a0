using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace IdempotentConsumer.Serialization;

/// <summary>
/// The serializer options every <c>SerializerOptions</c> setting of this library starts from. Where
/// reflection-based serialization is enabled (the default under JIT) they are <see cref="JsonSerializerOptions.Web"/>.
/// In a trimmed or Native AOT application (<c>JsonSerializerIsReflectionEnabledByDefault=false</c>) they hold
/// the web defaults with the library's built-in types only, so the application passes options whose
/// <see cref="JsonSerializerOptions.TypeInfoResolver"/> is its source-generated <c>JsonSerializerContext</c>.
/// </summary>
public static class IdempotencyJsonDefaults
{
    /// <summary>The web defaults (camelCase, case-insensitive reads), with the resolver described on the type.</summary>
    public static JsonSerializerOptions Web { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        if (JsonSerializer.IsReflectionEnabledByDefault)
        {
            return ReflectionWeb();
        }

        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = BuiltInJsonContext.Default };
        options.MakeReadOnly();
        return options;
    }

    // The feature switch is false whenever trimming or Native AOT removed reflection-based serialization,
    // so this is only reached where the reflection resolver works (the pattern of ASP.NET Core's JsonOptions).
    [UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode", Justification = "Guarded by JsonSerializer.IsReflectionEnabledByDefault.")]
    [UnconditionalSuppressMessage("AOT", "IL3050:RequiresDynamicCode", Justification = "Guarded by JsonSerializer.IsReflectionEnabledByDefault.")]
    private static JsonSerializerOptions ReflectionWeb() => JsonSerializerOptions.Web;

    /// <summary>
    /// Locks <paramref name="options"/> as the serializer does on first use, filling a missing resolver with the
    /// reflection one where reflection is enabled, so later type-info lookups are cached.
    /// </summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode", Justification = "The reflection resolver is only filled in when JsonSerializer.IsReflectionEnabledByDefault.")]
    [UnconditionalSuppressMessage("AOT", "IL3050:RequiresDynamicCode", Justification = "The reflection resolver is only filled in when JsonSerializer.IsReflectionEnabledByDefault.")]
    internal static void EnsureReadOnly(JsonSerializerOptions options)
    {
        if (options.IsReadOnly)
        {
            return;
        }

        if (options.TypeInfoResolver is null && !JsonSerializer.IsReflectionEnabledByDefault)
        {
            throw new Exceptions.IdempotencyConfigurationException(
                "The JsonSerializerOptions have no TypeInfoResolver and reflection-based serialization is disabled: set TypeInfoResolver to your source-generated JsonSerializerContext.");
        }

        options.MakeReadOnly(populateMissingResolver: JsonSerializer.IsReflectionEnabledByDefault);
    }

    /// <summary>
    /// The metadata for <paramref name="type"/> from <paramref name="options"/>; when their resolver lacks a
    /// primitive (a string or number key, say), the library's own source-generated metadata for it.
    /// </summary>
    /// <exception cref="NotSupportedException">Neither knows the type (it is missing from the application's context).</exception>
    internal static JsonTypeInfo GetTypeInfo(JsonSerializerOptions options, Type type)
    {
        EnsureReadOnly(options);
        if (options.TryGetTypeInfo(type, out var info))
        {
            return info;
        }

        return BuiltInJsonContext.Default.GetTypeInfo(type) ?? options.GetTypeInfo(type);
    }
}
