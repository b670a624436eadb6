using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RnnPipeline.Worker.Suites;

/// <summary>Checks of a suite's JSON that binding alone does not make: numbers that overflow, and the shapes of its top-level keys.</summary>
internal static class JsonShape
{
    /// <summary>Refuses a number anywhere in <paramref name="node"/> that a double cannot hold (e.g. <c>1e999</c>, read as infinity).</summary>
    /// <exception cref="InputException">Such a number, named by its path.</exception>
    public static void RequireFiniteNumbers(JsonNode? node, string where, string path = "")
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj) RequireFiniteNumbers(child, where, path.Length == 0 ? key : $"{path}.{key}");
                break;
            case JsonArray array:
                for (int i = 0; i < array.Count; i++) RequireFiniteNumbers(array[i], where, $"{path}[{i}]");
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                string text = value.ToJsonString();
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || !double.IsFinite(d))
                    throw new InputException($"{where}: {path} = {text} is too large for a number: give a value within ±1.7e308 (and within the setting's range)");
                break;
        }
    }

    /// <summary>The string at <paramref name="key"/> of <paramref name="root"/>, or null when absent.</summary>
    /// <exception cref="InputException">The key holds null or something other than a string.</exception>
    public static string? OptionalString(JsonObject root, string key, string where)
    {
        if (!root.TryGetPropertyValue(key, out var node)) return null;
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String) return value.GetValue<string>();
        throw new InputException($"{where}: {key} must be a string, e.g. \"{key}\": \"my-suite\" (found {Describe(node)})");
    }

    /// <summary>The node at <paramref name="key"/> as <typeparamref name="T"/> (object or array), or null when absent.</summary>
    /// <exception cref="InputException">The key holds null or another kind of value.</exception>
    public static T? Optional<T>(JsonObject root, string key, string where, string example) where T : JsonNode
    {
        if (!root.TryGetPropertyValue(key, out var node)) return null;
        return node as T ?? throw new InputException(
            $"{where}: {key} must be {(typeof(T) == typeof(JsonArray) ? "a list" : "an object")}, e.g. \"{key}\": {example} (found {Describe(node)})");
    }

    private static string Describe(JsonNode? node) => node is null ? "null" : $"{node.GetValueKind().ToString().ToLowerInvariant()} {Shorten(node.ToJsonString())}";

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
