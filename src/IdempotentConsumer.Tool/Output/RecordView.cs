using System.Globalization;
using System.Text;
using System.Text.Json;
using IdempotentConsumer.Records;

namespace IdempotentConsumer.Tool.Output;

/// <summary>Writes records for people (aligned tables, times in UTC) or scripts (<c>--json</c>).</summary>
internal static class RecordView
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true };

    /// <summary>The record's state at <paramref name="now"/>: completed, in-progress, stuck (lease lapsed) or expired.</summary>
    public static string State(IdempotencyRecord record, DateTimeOffset now) =>
        record.IsExpired(now) ? "expired"
        : record.IsLeaseExpired(now) ? "stuck"
        : record.Status == IdempotencyRecordStatus.InProgress ? "in-progress"
        : "completed";

    public static void WriteDetail(TextWriter output, IdempotencyRecord record, DateTimeOffset now)
    {
        var rows = new List<(string, string)>
        {
            ("key", record.Key),
            ("status", record.Status == IdempotencyRecordStatus.InProgress ? "INPROGRESS" : "COMPLETED"),
            ("state", State(record, now)),
            ("expires", Time(record.ExpiresAt, now)),
            ("lease", record.InProgressExpiresAt is { } lease ? Time(lease, now) : "-"),
            ("owner", record.OwnerToken ?? "-"),
            ("validation", record.PayloadHash ?? "-"),
            ("response", record.ResponseNotStored ? "(not stored)" : record.ResponseData ?? "-"),
        };
        var width = rows.Max(r => r.Item1.Length);
        foreach (var (name, value) in rows)
        {
            output.WriteLine($"{name.PadRight(width)}  {value}");
        }
    }

    public static void WriteTable(TextWriter output, IReadOnlyList<IdempotencyRecord> records, DateTimeOffset now)
    {
        string[] header = ["KEY", "STATE", "EXPIRES (UTC)", "LEASE (UTC)", "OWNER"];
        var rows = records.Select(r => new[]
        {
            r.Key,
            State(r, now),
            Utc(r.ExpiresAt),
            r.InProgressExpiresAt is { } lease ? Utc(lease) : "-",
            r.OwnerToken ?? "-",
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        output.WriteLine(Line(header, widths));
        foreach (var row in rows)
        {
            output.WriteLine(Line(row, widths));
        }

        output.WriteLine($"{records.Count} record{(records.Count == 1 ? string.Empty : "s")}");
    }

    public static void WriteJson(TextWriter output, IdempotencyRecord record, DateTimeOffset now) =>
        output.WriteLine(Json(writer => WriteRecord(writer, record, now)));

    public static void WriteJson(TextWriter output, IReadOnlyList<IdempotencyRecord> records, DateTimeOffset now) =>
        output.WriteLine(Json(writer =>
        {
            writer.WriteStartArray();
            foreach (var record in records)
            {
                WriteRecord(writer, record, now);
            }

            writer.WriteEndArray();
        }));

    /// <summary>One JSON document written by <paramref name="write"/>, as text.</summary>
    public static string Json(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Indented))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteRecord(Utf8JsonWriter writer, IdempotencyRecord record, DateTimeOffset now)
    {
        writer.WriteStartObject();
        writer.WriteString("key", record.Key);
        writer.WriteString("status", record.Status == IdempotencyRecordStatus.InProgress ? "INPROGRESS" : "COMPLETED");
        writer.WriteString("state", State(record, now));
        writer.WriteString("expiresAt", record.ExpiresAt);
        if (record.InProgressExpiresAt is { } lease)
        {
            writer.WriteString("leaseExpiresAt", lease);
        }
        else
        {
            writer.WriteNull("leaseExpiresAt");
        }

        writer.WriteString("owner", record.OwnerToken);
        writer.WriteString("validation", record.PayloadHash);
        writer.WriteBoolean("responseNotStored", record.ResponseNotStored);
        if (record.ResponseData is { } data)
        {
            // The stored response is JSON: embed it as such, so scripts need not parse a string twice.
            writer.WritePropertyName("response");
            writer.WriteRawValue(data);
        }
        else
        {
            writer.WriteNull("response");
        }

        writer.WriteEndObject();
    }

    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i])));

    private static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset time, DateTimeOffset now)
    {
        var delta = time - now;
        var span = delta.Duration();
        var text = span.TotalHours >= 1 ? $"{(int)span.TotalHours}h{span.Minutes:00}m" : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}m{span.Seconds:00}s" : $"{(int)span.TotalSeconds}s";
        return $"{Utc(time)} UTC ({(delta >= TimeSpan.Zero ? "in " + text : text + " ago")})";
    }
}
