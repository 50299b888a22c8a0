namespace IdempotentConsumer.Sqlite;

/// <summary>How hard SQLite flushes a commit to disk (<c>PRAGMA synchronous</c>) in WAL mode.</summary>
public enum SqliteSynchronousMode
{
    /// <summary>
    /// The WAL is synced at checkpoints only. A committed record survives a process crash but may be lost on
    /// an OS crash or power loss; several times faster per write.
    /// </summary>
    Normal = 1,

    /// <summary>The WAL is synced on every commit: a committed record survives power loss. The default.</summary>
    Full = 2,
}
