namespace RnnPipeline.Worker.Suites;

/// <summary>The memory a run may use: the <c>--Worker:MemoryLimit</c> override, else what the runtime reports (the cgroup limit of a container, or physical memory).</summary>
/// <param name="Bytes">Available bytes.</param>
/// <param name="Source">Where the number comes from, for the error line.</param>
public sealed record AvailableMemory(double Bytes, string Source)
{
    /// <summary>The override of <paramref name="limitMiB"/> MiB when positive, else the runtime's figure.</summary>
    public static AvailableMemory Of(long limitMiB) => limitMiB > 0
        ? new(limitMiB * 1024.0 * 1024.0, "--Worker:MemoryLimit")
        : new(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, "the process's memory limit or physical memory; set another with --Worker:MemoryLimit=<MiB>");
}
