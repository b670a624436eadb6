namespace RnnPipeline.Worker.Jobs;

/// <summary>The process's peak resident memory so far, as the kernel counts it (what a memory limit is enforced against).</summary>
internal static class PeakMemory
{
    /// <summary>VmHWM of <c>/proc/self/status</c> in bytes, or null where the kernel does not report it.</summary>
    public static long? Resident()
    {
        const string path = "/proc/self/status";
        if (!OperatingSystem.IsLinux() || !File.Exists(path)) return null;
        string? line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        string[] fields = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        return fields.Length >= 2 && long.TryParse(fields[1], out long kib) ? kib * 1024 : null;
    }
}
