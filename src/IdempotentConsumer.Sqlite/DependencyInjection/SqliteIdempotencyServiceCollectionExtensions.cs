using IdempotentConsumer.Sqlite;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="SqliteIdempotencyStore"/> as the application's <see cref="IIdempotencyStore"/>.</summary>
public static class SqliteIdempotencyServiceCollectionExtensions
{
    /// <summary>Uses a SQLite file at <paramref name="dataSource"/> as the idempotency store.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="dataSource">The database file path; created when missing.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddSqliteIdempotencyStore(this IServiceCollection services, string dataSource)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataSource);
        return services.AddSqliteIdempotencyStore(options => options.DataSource = dataSource);
    }

    /// <summary>Uses SQLite as the idempotency store, configured in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options (at least <see cref="SqliteIdempotencyStoreOptions.DataSource"/> or <see cref="SqliteIdempotencyStoreOptions.ConnectionString"/>).</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddSqliteIdempotencyStore(this IServiceCollection services, Action<SqliteIdempotencyStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SqliteIdempotencyStoreOptions>().Configure(configure);
        return services.AddSqliteIdempotencyStoreCore();
    }

    /// <summary>
    /// Uses SQLite as the idempotency store, bound from <paramref name="configuration"/>: pass the root (the
    /// <see cref="SqliteIdempotencyStoreOptions.SectionName"/> section is used) or the section itself.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration root, or the store's own section.</param>
    /// <param name="configure">Optional code settings applied after binding.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddSqliteIdempotencyStore(
        this IServiceCollection services,
        IConfiguration configuration,
        Action<SqliteIdempotencyStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SqliteIdempotencyStoreOptions.SectionName);
        var source = section.Exists() ? section : configuration;
        var builder = services.AddOptions<SqliteIdempotencyStoreOptions>().Bind(source);
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        return services.AddSqliteIdempotencyStoreCore();
    }

    private static IServiceCollection AddSqliteIdempotencyStoreCore(this IServiceCollection services)
    {
        services.AddOptions<SqliteIdempotencyStoreOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteIdempotencyStoreOptions>, SqliteIdempotencyStoreOptionsValidator>());
        services.TryAddSingleton(provider => new SqliteIdempotencyStore(
            provider.GetRequiredService<IOptions<SqliteIdempotencyStoreOptions>>().Value,
            provider.GetService<TimeProvider>(),
            provider.GetService<ILogger<SqliteIdempotencyStore>>()));

        // Replace, not TryAdd: a default store registered earlier (e.g. in-memory) must give way to this one.
        services.Replace(ServiceDescriptor.Singleton<IIdempotencyStore>(provider => provider.GetRequiredService<SqliteIdempotencyStore>()));
        return services;
    }
}
