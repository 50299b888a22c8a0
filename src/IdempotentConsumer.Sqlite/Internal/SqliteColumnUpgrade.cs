namespace IdempotentConsumer.Sqlite.Internal;

/// <summary>Adds a column to a table created by an older version: run when <paramref name="ProbeSql"/> counts zero.</summary>
/// <param name="ProbeSql">A scalar query that counts the column (0 when missing).</param>
/// <param name="AddColumnSql">The ALTER TABLE that adds it.</param>
internal sealed record SqliteColumnUpgrade(string ProbeSql, string AddColumnSql);
