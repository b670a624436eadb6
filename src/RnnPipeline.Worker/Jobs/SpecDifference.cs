using System.Text.Json.Nodes;
using RnnPipeline.Options;

namespace RnnPipeline.Worker.Jobs;

/// <summary>The settings in which two run specifications differ, for the line that tells a user why saved state does not fit.</summary>
internal static class SpecDifference
{
    /// <summary>The differing settings as <c>Training.Steps 40 → 60</c>, comma-separated (the name is left out); "" when none.</summary>
    public static string Describe(RunSpec saved, RunSpec current)
    {
        var before = Flatten(JsonNode.Parse(saved.ToJson()), "");
        var after = Flatten(JsonNode.Parse(current.ToJson()), "");
        var changed = before.Keys.Union(after.Keys).Where(k => k != nameof(RunSpec.Name))
            .Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k))
            .Select(k => $"{k} {before.GetValueOrDefault(k) ?? "(none)"} → {after.GetValueOrDefault(k) ?? "(none)"}");
        return string.Join(", ", changed);
    }

    private static Dictionary<string, string> Flatten(JsonNode? node, string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is JsonObject obj)
            foreach (var (key, child) in obj)
                foreach (var pair in Flatten(child, path.Length == 0 ? key : $"{path}.{key}")) values[pair.Key] = pair.Value;
        else values[path] = node?.ToJsonString().Trim('"') ?? "null";
        return values;
    }
}
