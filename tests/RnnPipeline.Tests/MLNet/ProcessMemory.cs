namespace RnnPipeline.Tests.MLNet;

/// <summary>Resident memory of this process from /proc (Linux): the current size, and the peak since the last reset.</summary>
internal static class ProcessMemory
{
    private static long Field(string name) =>
        File.ReadLines("/proc/self/status").Where(l => l.StartsWith(name + ":", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024).Single();

    /// <summary>Resets the peak (VmHWM) to the current resident size and returns that size in bytes.</summary>
    public static long ResetPeak()
    {
        File.WriteAllText("/proc/self/clear_refs", "5");                           // 5: reset the peak RSS (proc(5))
        return Field("VmRSS");
    }

    /// <summary>Peak resident size in bytes since the last <see cref="ResetPeak"/>.</summary>
    public static long PeakBytes() => Field("VmHWM");
}
