using System.Globalization;
using System.Text;
using System.Text.Json;
using RnnPipeline.IO;

namespace RnnPipeline.Bench;

/// <summary>Prints the Markdown table and writes it with bench.json.</summary>
internal static class Report
{
    public static void Write(BenchOptions o, BenchResults r)
    {
        var c = CultureInfo.InvariantCulture;
        double baseline = r.Variants[0].CharsPerSecond;
        var md = new StringBuilder();
        md.AppendLine(c, $"Benchmark: H={o.Hidden}, T={o.Window}, batch {o.Batch}, Adam, norm clipping 5, {o.Threads} threads, median of {o.Rounds} interleaved chunks per variant after {o.WarmupSteps} warm-up steps; {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}.");
        md.AppendLine();
        md.AppendLine("| variant | chars/s | ms/step | × fused nn.RNN |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (var v in r.Variants)
            md.AppendLine(c, $"| {v.Name} | {v.CharsPerSecond:F0} | {v.MillisecondsPerStep:F1} | {v.CharsPerSecond / baseline:F2} |");
        double overhead = 100 * r.Variants[2].DiagnosticsShare;
        md.AppendLine();
        md.AppendLine(c, $"Default diagnostics overhead: {overhead:F1}% of training time (time inside the diagnostics, measured in the same steps). Sigmoid / tanh speed: {r.Variants[3].CharsPerSecond / r.Variants[1].CharsPerSecond:F2}.");
        md.AppendLine(c, $"Memory over {r.Memory.Steps} steps (default diagnostics): RSS {r.Memory.RssAfterWarmupMiB:F0} MiB after warm-up (step {r.Memory.Series[0].Step}) → {r.Memory.RssAtEndMiB:F0} MiB at the end ({r.Memory.DriftPercent:+0.0;-0.0}%); every 500 steps: {string.Join(", ", r.Memory.Series.Select(x => x.RssMiB.ToString("F0", c)))} MiB.");
        Console.Write(md.ToString());

        var json = new
        {
            machine = new { cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription },
            settings = o,
            variants = r.Variants.Select(v => new { v.Name, v.CharsPerSecond, v.MillisecondsPerStep, RatioToFused = v.CharsPerSecond / baseline, v.ChunkCharsPerSecond }),
            diagnosticsOverheadPercent = overhead,
            sigmoidToTanh = r.Variants[3].CharsPerSecond / r.Variants[1].CharsPerSecond,
            memory = new { r.Memory.Steps, r.Memory.RssAfterWarmupMiB, r.Memory.RssAtEndMiB, r.Memory.DriftPercent, series = r.Memory.Series.Select(x => new { x.Step, x.RssMiB }) },
        };
        AtomicFile.WriteAllText(Path.Combine(o.Output, "bench.json"), JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
        AtomicFile.WriteAllText(Path.Combine(o.Output, "bench.md"), md.ToString());
        Console.WriteLine($"Written: {Path.Combine(o.Output, "bench.json")}, {Path.Combine(o.Output, "bench.md")}");
    }
}
