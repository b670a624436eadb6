using System.Runtime.InteropServices;
using RnnPipeline.Training;

namespace RnnPipeline.Worker.Jobs;

/// <summary>Where a report was written: CPU, cores, OS and the math kernels in effect (the facts that decide whether two machines give the same bits).</summary>
internal static class Machine
{
    public static string Describe()
    {
        string cpu = RuntimeInformation.ProcessArchitecture.ToString();
        if (OperatingSystem.IsLinux() && File.Exists("/proc/cpuinfo"))
        {
            var lines = File.ReadLines("/proc/cpuinfo").ToArray();
            string? model = lines.FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
            string? flags = lines.FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
            string vector = flags is null ? "" : flags.Contains(" avx512f", StringComparison.Ordinal) ? ", AVX-512" : flags.Contains(" avx2", StringComparison.Ordinal) ? ", AVX2" : "";
            if (model is not null) cpu = model + vector;
        }
        return $"Report written on: {cpu}; {Environment.ProcessorCount} cores; {RuntimeInformation.OSDescription}; kernels {KernelPinning.Describe()}.";
    }
}
