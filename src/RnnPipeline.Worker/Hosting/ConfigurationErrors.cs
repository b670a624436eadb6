using System.Text.RegularExpressions;

namespace RnnPipeline.Worker.Hosting;

/// <summary>Rewrites configuration-binder errors about the Worker section as one actionable line.</summary>
internal static partial class ConfigurationErrors
{
    [GeneratedRegex("properties were not found on the instance of [^:]+: (?<keys>.+)$")]
    private static partial Regex UnknownKeys();

    [GeneratedRegex("value '(?<value>[^']*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex BadValue();

    public static string Describe(string message)
    {
        var unknown = UnknownKeys().Match(message);
        if (unknown.Success)
        {
            string allowed = string.Join(", ", typeof(WorkerOptions).GetProperties().Where(p => p.CanWrite).Select(p => p.Name));
            return $"unknown setting {unknown.Groups["keys"].Value.Trim()} in section '{WorkerOptions.Section}': allowed settings are {allowed}";
        }
        var bad = BadValue().Match(message);
        if (bad.Success)
            return $"setting '{bad.Groups["key"].Value}' = '{bad.Groups["value"].Value}' is not a valid {bad.Groups["type"].Value.Split('.')[^1]}: fix it in appsettings.json or on the command line";
        return message;
    }
}
