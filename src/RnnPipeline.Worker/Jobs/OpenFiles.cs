namespace RnnPipeline.Worker.Jobs;

/// <summary>
/// The process's open-file limit and how many runs may train together under it. Every run of a unit (a run alone or a
/// stack of runs of one shape) holds its folder's lock, one open file, while the unit trains; the runtime, its
/// libraries, the math kernels and the files being written need the rest.
/// </summary>
internal static class OpenFiles
{
    /// <summary>
    /// Open files set aside for everything but run locks: a few hundred, about twice what the worker holds open before
    /// its first run starts (assemblies, native libraries, logging, the suite lock).
    /// </summary>
    public const long Reserved = 384;

    /// <summary>Most runs in one unit, whatever the limit.</summary>
    public const int MaxRunsPerUnit = 256;

    /// <summary>The soft limit on open files (<c>ulimit -n</c>) from <c>/proc/self/limits</c>, or null when it is unknown or unlimited.</summary>
    public static long? Limit()
    {
        const string path = "/proc/self/limits";
        if (!OperatingSystem.IsLinux() || !File.Exists(path)) return null;
        string? line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        string[] fields = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return fields.Length >= 4 && long.TryParse(fields[3], out long soft) ? soft : null;
    }

    /// <summary>
    /// Most runs that may train at once in one unit under <paramref name="limit"/> when <paramref name="parallel"/> units
    /// train at the same time: what the limit leaves beyond <see cref="Reserved"/>, shared between the units, halved for
    /// the files each run opens while it is written, between 1 and <see cref="MaxRunsPerUnit"/>.
    /// </summary>
    public static int RunsPerUnit(long? limit, int parallel) =>
        limit is not { } l ? MaxRunsPerUnit : (int)Math.Clamp((l - Reserved) / 2 / Math.Max(1, parallel), 1, MaxRunsPerUnit);
}
