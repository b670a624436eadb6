using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace RnnPipeline.Worker.Suites;

/// <summary>Turns System.Text.Json binding errors into one line that names the setting and the fix.</summary>
internal static partial class JsonErrors
{
    [GeneratedRegex("The JSON property '(?<key>[^']+)' could not be mapped")]
    private static partial Regex UnknownProperty();

    /// <summary>Describes <paramref name="error"/> raised while binding <paramref name="node"/> to <paramref name="type"/>.</summary>
    public static string Describe(JsonException error, JsonNode node, Type type)
    {
        string path = (error.Path ?? "$").TrimStart('$');
        var unknown = UnknownProperty().Match(error.Message);
        if (unknown.Success)
        {
            string key = unknown.Groups["key"].Value;
            string parent = path.EndsWith("." + key, StringComparison.Ordinal) ? path[..^(key.Length + 1)] : path;
            Type owner = TypeAt(type, parent) ?? type;
            string allowed = string.Join(", ", owner.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => p.Name));
            return $"{parent}: unknown key '{key}': allowed keys are {allowed}";
        }
        Type? target = TypeAt(type, path);
        if (IsNullAt(node, path))
            return $"{path} is null: give a value, or remove the key to keep the default";
        string value = ValueAt(node, path) ?? "?";
        Type? plain = target is null ? null : Nullable.GetUnderlyingType(target) ?? target;
        if (plain is { IsEnum: true })
            return $"{path}: '{value}' is not a valid {plain.Name}: use one of {string.Join(", ", Enum.GetNames(plain))}";
        if (plain is { IsArray: true } && plain.GetElementType()!.IsEnum)
            return $"{path}: '{value}' contains a value that is not a valid {plain.GetElementType()!.Name}: use {string.Join(", ", Enum.GetNames(plain.GetElementType()!))}";
        if (plain is { IsClass: true, IsArray: false } && plain != typeof(string))
            return $"{path}: '{value}' is not an object of settings: write {{ \"Setting\": value, ... }} (see the {plain.Name} keys)";
        if (plain is not null)
            return $"{path}: '{value}' is not a valid {Describe(plain)}";
        return $"{path}: {error.Message.Split(" Path:")[0]}";
    }

    private static string Describe(Type type) =>
        type == typeof(int) ? "whole number" : type == typeof(double) ? "finite number" : type == typeof(bool) ? "true/false value"
        : type.IsArray ? $"list of {Describe(type.GetElementType()!)}s" : type.Name;

    private static IEnumerable<string> Segments(string path) =>
        path.Split('.', StringSplitOptions.RemoveEmptyEntries).SelectMany(s => s.Split('[')).Select(s => s.TrimEnd(']'));

    private static Type? TypeAt(Type type, string path)
    {
        Type? current = type;
        foreach (string segment in Segments(path))
        {
            if (current is null) return null;
            current = int.TryParse(segment, out _) ? current.GetElementType() : current.GetProperty(segment)?.PropertyType;
        }
        return current;
    }

    private static bool IsNullAt(JsonNode node, string path)
    {
        string[] segments = [.. Segments(path)];
        if (segments.Length == 0) return false;
        JsonNode? parent = node;
        foreach (string segment in segments[..^1])
            parent = int.TryParse(segment, out int i) ? (parent as JsonArray)?[i] : (parent as JsonObject)?[segment];
        return int.TryParse(segments[^1], out int last)
            ? parent is JsonArray array && last < array.Count && array[last] is null
            : parent is JsonObject obj && obj.TryGetPropertyValue(segments[^1], out var child) && child is null;
    }

    private static string? ValueAt(JsonNode node, string path)
    {
        JsonNode? current = node;
        foreach (string segment in Segments(path))
            current = int.TryParse(segment, out int i) ? (current as JsonArray)?[i] : (current as JsonObject)?[segment];
        return current?.ToJsonString().Trim('"');
    }
}
