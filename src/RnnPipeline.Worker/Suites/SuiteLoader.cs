using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using RnnPipeline.IO;
using RnnPipeline.Options;

namespace RnnPipeline.Worker.Suites;

/// <summary>
/// Reads a suite file: <c>{ "Name", "Description", "Defaults": {run overrides}, "Runs": [{run overrides}], "Grid": {...} }</c>.
/// Each run is the code defaults of <see cref="RunSpec"/>, overlaid by <c>Defaults</c>, then by the run's own keys
/// (objects merge key by key; arrays and values replace), then expanded by the suite's grid, or by the run's own
/// <c>"Grid"</c> when it has one (<c>"Grid": {}</c> keeps the run as it is). Command-line keys
/// <c>--Suite:Defaults:Training:Steps=50</c> override the file. Every problem becomes one <see cref="InputException"/> line.
/// </summary>
public static class SuiteLoader
{
    private static readonly string[] TopLevelKeys = ["Name", "Description", "Defaults", "Runs", "Grid"];

    private static readonly JsonSerializerOptions Strict = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        AllowDuplicateProperties = false,
        Converters = { new StrictEnumConverter() },
    };

    /// <summary>Loads, overrides and expands the suite at <paramref name="path"/> (see <see cref="RunSpecValidator"/> for the checks of its runs).</summary>
    public static Suite Load(string path, IConfigurationSection? overrides = null)
    {
        JsonObject root = Parse(path);
        if (overrides is not null) ApplyOverrides(root, overrides);
        string where = $"suite file '{path}'";
        foreach (var (key, _) in root)
            if (!TopLevelKeys.Contains(key))
                throw new InputException($"{where}: unknown key '{key}': allowed keys are {string.Join(", ", TopLevelKeys)}");

        JsonShape.RequireFiniteNumbers(root, where);
        string name = JsonShape.OptionalString(root, "Name", where) ?? Path.GetFileNameWithoutExtension(path);
        if (!FolderName.IsValid(name))
            throw new InputException($"{where}: Name '{Escape(name)}' {FolderName.Rule} (it names the output folder)");
        string description = JsonShape.OptionalString(root, "Description", where) ?? "";
        JsonObject defaults = JsonShape.Optional<JsonObject>(root, "Defaults", where, "{ \"Training\": { \"Steps\": 100 } }") ?? [];
        var runs = JsonShape.Optional<JsonArray>(root, "Runs", where, "[{ \"Name\": \"tanh\" }]") ?? [new JsonObject()];
        if (runs.Count == 0) throw new InputException($"{where}: Runs is empty: declare at least one run, e.g. \"Runs\": [{{ \"Name\": \"tanh\" }}]");
        var gridNode = JsonShape.Optional<JsonObject>(root, "Grid", where, "{ \"Seeds\": [1, 2] }");
        GridOptions grid = Deserialize<GridOptions>(gridNode ?? new JsonObject(), where, "Grid");

        // The grids first: their product is the number of runs, counted before any run is made.
        var declared = new List<(JsonObject Run, GridOptions Grid)>();
        for (int i = 0; i < runs.Count; i++)
        {
            if (runs[i] is not JsonObject run) throw new InputException($"{where}: Runs[{i}] must be an object of run settings");
            var merged = Merge((JsonObject)defaults.DeepClone(), run);
            if (!merged.ContainsKey("Name")) merged["Name"] = runs.Count == 1 ? "run" : $"run{i}";
            if (merged.TryGetPropertyValue("Grid", out var own) && own is null)
                throw new InputException($"{where}: Runs[{i}].Grid is null: give an object (\"Grid\": {{}} keeps the run as it is), or remove the key to use the suite's grid");
            var runGrid = own is not null ? Deserialize<GridOptions>(own, where, $"Runs[{i}].Grid") : grid;
            if (!ReferenceEquals(runGrid, grid)) runGrid.SeedOffset = SeedSum(runGrid.SeedOffset, grid.SeedOffset, where);   // the suite's offset shifts every run
            merged.Remove("Grid");
            declared.Add((merged, runGrid));
        }
        long count = declared.Sum(d => GridExpansion.Count(d.Grid));
        if (count > GridExpansion.MaximumRuns)
            throw new InputException($"{where}: the runs and grids expand to {count} runs, more than the limit of {GridExpansion.MaximumRuns}: list fewer values in Grid (or split the suite)");

        var specs = new List<RunSpec>();
        for (int i = 0; i < declared.Count; i++)
        {
            var run = Deserialize<RunSpec>(declared[i].Run, where, $"Runs[{i}]");
            foreach (int seed in declared[i].Grid.Seeds.DefaultIfEmpty(run.Training.Seed)) SeedSum(seed, declared[i].Grid.SeedOffset, where);
            specs.AddRange(GridExpansion.Expand(run, declared[i].Grid));
        }
        return new Suite(name, description, path, specs);
    }

    /// <summary><paramref name="seed"/> + <paramref name="offset"/>, refused when it leaves the range of a seed.</summary>
    private static int SeedSum(int seed, int offset, string where)
    {
        long sum = (long)seed + offset;
        return sum is >= int.MinValue and <= int.MaxValue ? (int)sum : throw new InputException(
            $"{where}: seed {seed} + Grid.SeedOffset {offset} = {sum} is beyond the range of a seed (±{int.MaxValue}): use a smaller SeedOffset or smaller seeds");
    }

    /// <summary>A name with its control characters made visible, for an error line.</summary>
    private static string Escape(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    /// <summary>Largest suite file read (16 MiB): suites are hand-written settings, a few KB.</summary>
    private const long MaximumSuiteBytes = 16 << 20;

    private static JsonObject Parse(string path)
    {
        if (!File.Exists(path))
            throw new InputException($"suite file '{path}' does not exist: pass an existing file with --suite (see configs/)");
        try
        {
            var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, AllowDuplicateProperties = false };
            return JsonNode.Parse(RegularFile.ReadAllText(path, MaximumSuiteBytes, "pass a regular suite file of at most 16 MiB with --suite (see configs/)"), documentOptions: options) as JsonObject
                   ?? throw new InputException($"suite file '{path}' must contain a JSON object {{ \"Name\": ..., \"Runs\": [...] }}");
        }
        catch (JsonException e)
        {
            string detail = e.Message.Split(" Path:")[0].Split(" LineNumber:")[0];
            throw new InputException($"suite file '{path}' is not valid JSON at line {e.LineNumber + 1}, column {e.BytePositionInLine + 1}: {detail}");
        }
    }

    /// <summary>Overlays <paramref name="patch"/> onto <paramref name="target"/>: objects merge, everything else replaces.</summary>
    private static JsonObject Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (value is JsonObject child && target[key] is JsonObject existing) Merge(existing, child);
            else target[key] = value?.DeepClone();
        }
        return target;
    }

    private static void ApplyOverrides(JsonObject root, IConfigurationSection overrides)
    {
        // Lists the suite file declares are overridden entry by entry: an index past their end (say Runs:5 of a one-run
        // suite) is refused, never padded with empty entries. Lists the overrides create themselves are filled in any order.
        var created = new HashSet<JsonNode>(ReferenceEqualityComparer.Instance);
        foreach (var (key, value) in overrides.AsEnumerable(makePathsRelative: true))
        {
            if (value is null) continue;
            string[] parts = key.Split(':');
            JsonNode node = root;
            for (int i = 0; i < parts.Length - 1; i++)
            {
                bool nextIsIndex = int.TryParse(parts[i + 1], out _);
                node = Child(node, parts[i], () => nextIsIndex ? new JsonArray() : new JsonObject(), created, key);
            }
            SetChild(node, parts[^1], ParseScalar(value), created, key);
        }
    }

    private static JsonNode Child(JsonNode parent, string key, Func<JsonNode> create, HashSet<JsonNode> created, string overrideKey)
    {
        if (parent is JsonArray array && int.TryParse(key, out int index))
        {
            RequireInside(array, index, created, overrideKey);
            while (array.Count <= index) array.Add(null);
            return array[index] ??= Created(create(), created);
        }
        var obj = parent as JsonObject ?? throw NotAContainer(parent, key);
        return obj[key] ??= Created(create(), created);
    }

    private static JsonNode Created(JsonNode node, HashSet<JsonNode> created)
    {
        created.Add(node);
        return node;
    }

    private static void RequireInside(JsonArray array, int index, HashSet<JsonNode> created, string overrideKey)
    {
        if (index >= 0 && (index < array.Count || created.Contains(array))) return;
        string list = array.GetPath().TrimStart('$', '.');
        throw new InputException(
            $"override --Suite:{overrideKey}: index {index} is outside '{list}', which has {array.Count} entr{(array.Count == 1 ? "y" : "ies")} (indices 0 to {array.Count - 1}): override an entry that exists, or add the entry to the suite file");
    }

    private static InputException NotAContainer(JsonNode parent, string key) => new(
        $"override --Suite:...:{key} goes inside '{parent.GetPath().TrimStart('$', '.')}', which holds {parent.GetValueKind().ToString().ToLowerInvariant()} {parent.ToJsonString()}: override a setting inside an object, or the value itself");

    private static void SetChild(JsonNode parent, string key, JsonNode value, HashSet<JsonNode> created, string overrideKey)
    {
        if (parent is JsonArray array && int.TryParse(key, out int index))
        {
            RequireInside(array, index, created, overrideKey);
            while (array.Count <= index) array.Add(null);
            array[index] = value;
        }
        else (parent as JsonObject ?? throw NotAContainer(parent, key))[key] = value;
    }

    private static JsonNode ParseScalar(string text) =>
        bool.TryParse(text, out bool b) ? JsonValue.Create(b)
        : double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double d) && !text.Any(char.IsLetter)
            ? JsonNode.Parse(text)!
            : JsonValue.Create(text);

    private static T Deserialize<T>(JsonNode node, string where, string what)
    {
        try
        {
            if (node is not JsonObject) throw new InputException($"{where}: {what} must be an object of settings (found {node.GetValueKind().ToString().ToLowerInvariant()})");
            return node.Deserialize<T>(Strict) ?? throw new InputException($"{where}: {what} must be an object");
        }
        catch (JsonException e)
        {
            throw new InputException($"{where}: {what}{JsonErrors.Describe(e, node, typeof(T))}");
        }
    }
}
