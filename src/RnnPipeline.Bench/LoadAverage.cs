namespace RnnPipeline.Bench;

/// <summary>The machine's 1-, 5- and 15-minute load averages, recorded next to the numbers they may have affected.</summary>
internal static class LoadAverage
{
    private const string Source = "/proc/loadavg";

    /// <summary>"1m 5m 15m", or "unknown" where the system does not publish them.</summary>
    public static string Read() =>
        File.Exists(Source) ? string.Join(' ', File.ReadAllText(Source).Split(' ').Take(3)) : "unknown";
}
