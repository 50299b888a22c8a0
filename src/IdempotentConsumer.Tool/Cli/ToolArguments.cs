namespace IdempotentConsumer.Tool.Cli;

/// <summary>
/// The command line: a command, its positional arguments, <c>--name value</c> options and <c>--flag</c> switches.
/// Every option a command does not read is reported as unknown, so a typo never silently changes the target.
/// </summary>
internal sealed class ToolArguments
{
    private static readonly HashSet<string> Switches = new(StringComparer.Ordinal)
    {
        "json", "yes", "in-progress", "stuck", "expired", "powertools-interop", "help",
    };

    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _switches = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private ToolArguments(string command, List<string> positionals)
    {
        Command = command;
        Positionals = positionals;
    }

    public string Command { get; }

    public IReadOnlyList<string> Positionals { get; }

    public static ToolArguments Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            return new ToolArguments("help", []);
        }

        var parsed = new ToolArguments(args[0], []);
        var positionals = (List<string>)parsed.Positionals;
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                positionals.Add(arg);
                continue;
            }

            var name = arg[2..];
            string? inline = null;
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                inline = name[(equals + 1)..];
                name = name[..equals];
            }

            if (Switches.Contains(name) && inline is null)
            {
                parsed._switches.Add(name);
                continue;
            }

            var value = inline ?? (i + 1 < args.Count ? args[++i] : throw new UsageException($"Option --{name} needs a value."));
            if (!parsed._options.TryAdd(name, value))
            {
                throw new UsageException($"Option --{name} is given twice.");
            }
        }

        return parsed;
    }

    public string? Option(string name)
    {
        _read.Add(name);
        return _options.GetValueOrDefault(name);
    }

    public string RequiredOption(string name, string why) =>
        Option(name) is { Length: > 0 } value ? value : throw new UsageException($"Option --{name} is required: {why}.");

    public bool Switch(string name)
    {
        _read.Add(name);
        return _switches.Contains(name);
    }

    public int IntOption(string name, int defaultValue)
    {
        var text = Option(name);
        if (text is null)
        {
            return defaultValue;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new UsageException($"Option --{name} must be a positive whole number (was '{text}').");
    }

    /// <summary>Fails on options the command did not read (call after the command has read all its own).</summary>
    public void EnsureAllRead()
    {
        var unknown = _options.Keys.Concat(_switches).Where(name => !_read.Contains(name)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"Unknown option{(unknown.Count > 1 ? "s" : string.Empty)} for '{Command}': {string.Join(", ", unknown.Select(u => "--" + u))}.");
        }
    }
}
