using IdempotentConsumer.PostgreSql;
using IdempotentConsumer.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="PostgreSqlIdempotencyStore"/> as the application's <see cref="IIdempotencyStore"/>.</summary>
public static class PostgreSqlIdempotencyServiceCollectionExtensions
{
    /// <summary>
    /// Registers the PostgreSQL store as the singleton <see cref="IIdempotencyStore"/> (replacing any other store
    /// registration) and as <see cref="PostgreSqlIdempotencyStore"/> (for <c>UsePostgreSqlInbox</c>). It builds its own
    /// data source from <see cref="PostgreSqlIdempotencyStoreOptions.ConnectionString"/> when set, otherwise it uses the
    /// <see cref="NpgsqlDataSource"/> from the container.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddPostgreSqlIdempotencyStore(this IServiceCollection services, Action<PostgreSqlIdempotencyStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<PostgreSqlIdempotencyStoreOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return services.AddStore();
    }

    /// <summary>Registers the PostgreSQL store on its own data source for <paramref name="connectionString"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="connectionString">An Npgsql connection string, e.g. <c>Host=localhost;Username=app;Password=...;Database=app</c>.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddPostgreSqlIdempotencyStore(this IServiceCollection services, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return services.AddPostgreSqlIdempotencyStore(options => options.ConnectionString = connectionString);
    }

    /// <summary>
    /// Registers the PostgreSQL store with options bound from <paramref name="configuration"/> (pass the section itself,
    /// conventionally <see cref="PostgreSqlIdempotencyStoreOptions.SectionName"/>), then <paramref name="configure"/> applied on top.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The store's configuration section.</param>
    /// <param name="configure">Optional code settings applied after binding.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddPostgreSqlIdempotencyStore(
        this IServiceCollection services,
        IConfiguration configuration,
        Action<PostgreSqlIdempotencyStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<PostgreSqlIdempotencyStoreOptions>().Bind(configuration);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return services.AddStore();
    }

    private static IServiceCollection AddStore(this IServiceCollection services)
    {
        services.AddOptions<PostgreSqlIdempotencyStoreOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlIdempotencyStoreOptions>, PostgreSqlIdempotencyStoreOptionsValidator>());
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<PostgreSqlIdempotencyStoreOptions>>();
            // The container's data source is resolved only when it is used, so a store with its own connection string
            // never builds the application's pool as a side effect.
            var dataSource = string.IsNullOrWhiteSpace(options.Value.ConnectionString) ? provider.GetService<NpgsqlDataSource>() : null;
            return new PostgreSqlIdempotencyStore(options, dataSource, provider.GetService<ILogger<PostgreSqlIdempotencyStore>>());
        });
        // One store per application: whatever store was registered before gives way to this one.
        services.RemoveAll<IIdempotencyStore>();
        services.AddSingleton<IIdempotencyStore>(provider => provider.GetRequiredService<PostgreSqlIdempotencyStore>());
        return services;
    }
}
