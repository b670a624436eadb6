namespace RnnPipeline.Worker.Hosting;

/// <summary>
/// Short switches of the worker, mapped onto configuration keys; any other argument must be a
/// <c>--Section:Key=value</c> override of a known section.
/// </summary>
public static class CommandLine
{
    /// <summary>Switches that take a value.</summary>
    public static readonly IReadOnlyDictionary<string, string> ValueSwitches = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["--suite"] = "Worker:Suite",
        ["--output"] = "Worker:Output",
        ["--threads"] = "Worker:Threads",
        ["--parallel"] = "Worker:ParallelRuns",
        ["--shard"] = "Worker:Shard",
    };

    /// <summary>Switches that are flags.</summary>
    public static readonly IReadOnlyDictionary<string, string> FlagSwitches = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["--resume"] = "Worker:Resume",
        ["--report"] = "Worker:ReportOnly",
    };

    private static readonly string[] Sections = ["Worker", "Suite", "Logging"];

    /// <summary>Rewrites <paramref name="args"/> into <c>--Key=value</c> pairs for the configuration system.</summary>
    /// <exception cref="InputException">An unknown switch, or a switch without its value.</exception>
    public static string[] Normalize(IReadOnlyList<string> args)
    {
        var result = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string name = arg.Split('=', 2)[0];
            if (FlagSwitches.TryGetValue(name, out string? flagKey))
            {
                result.Add($"--{flagKey}={(arg.Contains('=') ? arg.Split('=', 2)[1] : "true")}");
            }
            else if (ValueSwitches.TryGetValue(name, out string? key))
            {
                string? value = arg.Contains('=') ? arg.Split('=', 2)[1] : i + 1 < args.Count ? args[++i] : null;
                if (string.IsNullOrEmpty(value) || value.StartsWith("--", StringComparison.Ordinal))
                    throw new InputException($"option '{name}' needs a value, e.g. {name} {Example(name)}");
                result.Add($"--{key}={value}");
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal) && Sections.Any(s => arg[2..].StartsWith(s + ":", StringComparison.OrdinalIgnoreCase)))
            {
                if (!arg.Contains('=') && (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal)))
                    throw new InputException($"override '{arg}' needs a value: write {arg}=<value>");
                result.Add(arg.Contains('=') ? arg : $"{arg}={args[++i]}");
            }
            else
            {
                throw new InputException(
                    $"unknown option '{arg}': use --suite <file>, --output <folder>, --resume, --report, --threads <n>, --parallel <n>, --shard <index>/<count>, or --Section:Key=value with Section one of {string.Join(", ", Sections)}");
            }
        }
        return [.. result];
    }

    private static string Example(string name) => name switch
    {
        "--suite" => "configs/compare-activations.json",
        "--output" => "out",
        "--shard" => "0/3",
        _ => "2",
    };
}
