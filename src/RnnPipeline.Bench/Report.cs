using System.Globalization;
using System.Text;
using System.Text.Json;
using RnnPipeline.IO;

namespace RnnPipeline.Bench;

/// <summary>Prints the Markdown report and writes it with bench.json.</summary>
internal static class Report
{
    private const double Target = 1.5, SweepTarget = 2;

    public static void Write(BenchOptions o, BenchResults r)
    {
        var c = CultureInfo.InvariantCulture;
        double chars = (double)o.Window * o.Batch;
        var md = new StringBuilder();
        md.AppendLine(c, $"Benchmark: T={o.Window}, B={o.Batch}, V={r.Vocabulary}, tanh, Adam, norm clipping 5, {o.Threads} threads, kernels {RnnPipeline.Training.KernelPinning.Describe()}; {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}.");
        md.AppendLine(c, $"Load average (1, 5, 15 min) at the start: {r.LoadBefore}; at the end: {r.LoadAfter} (other processes may share the machine; compare variants within a row, not across runs).");
        md.AppendLine(c, $"Per size, {o.Rounds} rounds of interleaved chunks (fused, ours, ours with analysis, sgemm probe); medians over rounds. Steps per chunk: {string.Join(", ", r.Sizes.Select(s => $"H={s.Hidden}: {s.ChunkSteps}"))}.");
        md.AppendLine();
        md.AppendLine("| H | fused nn.RNN chars/s | ours chars/s | ours + default diagnostics chars/s | ours / fused | default diagnostics period | diagnostics overhead | period for ≤ 5% | GFLOP/step | fused GFLOP/s | ours GFLOP/s | sgemm GFLOP/s | ours % of sgemm | ratio bound at sgemm peak |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in r.Sizes)
        {
            double oursGflops = s.FlopsPerStep * s.OursCharsPerSecond / chars / 1e9, fusedGflops = s.FlopsPerStep * s.FusedCharsPerSecond / chars / 1e9;
            md.AppendLine(c, $"| {s.Hidden} | {s.FusedCharsPerSecond:F0} | {s.OursCharsPerSecond:F0} | {Na(c, s.OursWithDiagnosticsCharsPerSecond, "F0")} | {s.OursCharsPerSecond / s.FusedCharsPerSecond:F2} | {s.DiagnosticsPeriod} | {Na(c, 100 * s.DiagnosticsOverhead, "0.0'%'")} | {Na(c, s.DiagnosticsOverhead * s.DiagnosticsPeriod / 0.05, "F0")} | {s.FlopsPerStep / 1e9:F2} | {fusedGflops:F1} | {oursGflops:F1} | {s.SgemmGflops:F0} | {100 * oursGflops / s.SgemmGflops:F0}% | {s.SgemmGflops / fusedGflops:F2} |");
        }
        md.AppendLine();
        md.AppendLine(c, $"FLOPs per step (a multiply-add counts 2; elementwise work, the one-hot input gather and the optimiser not counted): {ModelFlops.Formula}. GFLOP/s = these FLOPs / measured step time, the same count for both implementations.");
        md.AppendLine(c, $"sgemm: float32 torch.mm of two {SgemmPeak.Size}² matrices at {o.Threads} threads, best of 3 per round, median over rounds. Ratio bound at sgemm peak: how fast the fused step would be beaten by a step that ran all its FLOPs at the sgemm peak (fused step time / (FLOPs / peak)); where it is below {Target}, {Target}× is out of reach without doing less arithmetic.");
        md.AppendLine(c, $"Diagnostics overhead: the stability analysis runs once per chunk in the third variant (in the first {Benchmark.AnalysisRounds} rounds only); its time is measured inside the steps (the session's DiagnosticsSeconds) and spread over the default period (Diagnostics.Every unset: {RnnPipeline.Options.DiagnosticsOptions.StepsPerWorkRatio:F0}·max(H, 64)·(P + L·S/T)/B steps, rounded up to a multiple of 100), relative to that variant's step time without it. \"ours + default diagnostics\" = ours / (1 + overhead); \"period for ≤ 5%\": the analysis period (steps) at which the same analysis would add 5%. Not measured above H={o.AnalysisMaxHidden} (n/a): one analysis takes tens of seconds there (eigvalsh of T·P float64 H×H matrices for ‖J_t‖₂ and explicit float64 Jacobian products, O((T·P + L)·H³)).");
        md.AppendLine();
        if (r.Sweeps.Count > 0)
        {
            var names = r.Sweeps[0].Variants.Select(v => v.Name).ToArray();
            md.AppendLine(c, $"Sweeps: R runs of one shape (seeds 1–R, no diagnostics). Per round every variant trains its own copies of the runs the same steps: {string.Join("; ", names)} (stacks: TrainingBatch, stacked weights, one bmm per timestep for all runs of a stack, at most the stated runs per stack; parallel variants: one thread per worker, as the worker's --parallel {o.Threads}). Medians over {o.Rounds} rounds; speedup against one after another. Target: ≥ {SweepTarget}× at H=64.");
            md.AppendLine();
            md.AppendLine("| H | runs | runs per stack | steps per run per round | " + string.Join(" | ", names.Select(n => n + " chars/s")) + " | " + string.Join(" | ", names.Skip(1).Select(n => n + " speedup")) + " |");
            md.AppendLine("|---:|---:|---:|---:|" + string.Concat(names.Select(_ => "---:|")) + string.Concat(names.Skip(1).Select(_ => "---:|")));
            foreach (var s in r.Sweeps)
            {
                double baseline = s.Variants[0].CharsPerSecond;
                md.AppendLine(string.Create(c, $"| {s.Hidden} | {s.Runs} | {s.RunsPerStack} | {s.StepsPerRound} | ") + string.Join(" | ", s.Variants.Select(v => v.CharsPerSecond.ToString("F0", c)))
                    + " | " + string.Join(" | ", s.Variants.Skip(1).Select(v => (v.CharsPerSecond / baseline).ToString("F2", c) + "×")) + " |");
            }
            md.AppendLine();
        }
        var u = r.Suite;
        md.AppendLine(c, $"The default suite's training (configs/compare-activations.json, one-lag runs: tanh, H=64, batch 16, episodes of lag + 1 characters, loss on the dependent, Adam, diagnostics every 150 steps) at lags {string.Join(", ", u.Lags)}, {u.Seeds} seeds each, {u.Steps} steps per run per round, {u.Workers} workers with one thread each (the worker's --parallel {u.Workers}); medians over {o.Rounds} rounds:");
        md.AppendLine();
        md.AppendLine("| every run alone, P at a time chars/s | stacks of one lag split over the P workers chars/s | speedup |");
        md.AppendLine("|---:|---:|---:|");
        md.AppendLine(c, $"| {u.AloneCharsPerSecond:F0} | {u.StackedCharsPerSecond:F0} | {u.StackedCharsPerSecond / u.AloneCharsPerSecond:F2}× |");
        md.AppendLine();
        if (r.Gated.Count > 0)
        {
            md.AppendLine(c, $"Gated cells: our LSTM and GRU (forward without a graph, backward by autograd through the step written out, docs/performance.md) against TorchSharp's fused nn.LSTM / nn.GRU, same text, seed, Adam and clipping; one timed chunk each (after 2 untimed steps), one run: a first look, not a median.");
            md.AppendLine();
            md.AppendLine("| H | cell | steps | fused chars/s | ours chars/s | ours / fused |");
            md.AppendLine("|---:|---|---:|---:|---:|---:|");
            foreach (var g in r.Gated)
                md.AppendLine(c, $"| {g.Hidden} | {g.Cell} | {g.Steps} | {g.FusedCharsPerSecond:F0} | {g.OursCharsPerSecond:F0} | {g.OursCharsPerSecond / g.FusedCharsPerSecond:F2} |");
            md.AppendLine();
        }
        WriteProfile(md, c, "Our step", r.Sizes, s => s.Ours);
        WriteProfile(md, c, "Fused nn.RNN step (autograd)", r.Sizes, s => s.Fused);
        if (r.Sizes.Any(s => s.Analysis is not null))
            WriteProfile(md, c, $"One stability analysis at the default options (window T={o.Window}, {new RnnPipeline.Options.DiagnosticsOptions().ProbeSequences} probe sequences, analysis sequence {new RnnPipeline.Options.DiagnosticsOptions().AnalysisLength} steps after {new RnnPipeline.Options.DiagnosticsOptions().BurnIn})",
                [.. r.Sizes.Where(s => s.Analysis is not null)], s => s.Analysis!, "analysis", "analyses");
        WriteShortfalls(md, c, r.Sizes);
        md.AppendLine(c, $"Memory over {r.Memory.Steps} steps at H={r.Memory.Hidden} (default diagnostics, analysed every {Benchmark.MemoryDiagnosticsEvery} steps instead of the default period so that a leak in the analysis shows): RSS {r.Memory.RssAfterWarmupMiB:F0} MiB after warm-up (step {r.Memory.Series[0].Step}) → {r.Memory.RssAtEndMiB:F0} MiB at the end ({r.Memory.DriftPercent:+0.0;-0.0}%); every 500 steps: {string.Join(", ", r.Memory.Series.Select(x => x.RssMiB.ToString("F0", c)))} MiB.");
        Console.Write(md.ToString());

        var json = new
        {
            machine = new { cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription, loadBefore = r.LoadBefore, loadAfter = r.LoadAfter },
            settings = o,
            vocabulary = r.Vocabulary,
            flopsFormula = ModelFlops.Formula,
            sizes = r.Sizes.Select(s => new
            {
                s.Hidden, s.ChunkSteps, s.FlopsPerStep, s.FusedCharsPerSecond, s.OursCharsPerSecond, s.OursWithDiagnosticsCharsPerSecond,
                ratio = s.OursCharsPerSecond / s.FusedCharsPerSecond, diagnosticsOverheadPercent = 100 * s.DiagnosticsOverhead,
                analysisSeconds = s.AnalysisSeconds, s.SgemmGflops,
                oursProfileMs = s.Ours.Phases.ToDictionary(p => p.Phase, p => p.Milliseconds),
                fusedProfileMs = s.Fused.Phases.ToDictionary(p => p.Phase, p => p.Milliseconds),
                analysisProfileMs = s.Analysis?.Phases.ToDictionary(p => p.Phase, p => p.Milliseconds),
            }),
            gated = r.Gated.Select(g => new { g.Hidden, cell = g.Cell.ToString(), g.Steps, g.FusedCharsPerSecond, g.OursCharsPerSecond, ratio = g.OursCharsPerSecond / g.FusedCharsPerSecond }),
            sweeps = r.Sweeps.Select(s => new { s.Hidden, s.Runs, s.StepsPerRound, s.RunsPerStack, charsPerSecond = s.Variants.ToDictionary(v => v.Name, v => v.CharsPerSecond) }),
            suite = new { r.Suite.Lags, r.Suite.Seeds, r.Suite.Steps, r.Suite.Workers, r.Suite.AloneCharsPerSecond, r.Suite.StackedCharsPerSecond },
            memory = new { r.Memory.Hidden, r.Memory.Steps, r.Memory.RssAfterWarmupMiB, r.Memory.RssAtEndMiB, r.Memory.DriftPercent, series = r.Memory.Series.Select(x => new { x.Step, x.RssMiB }) },
        };
        AtomicFile.WriteAllText(Path.Combine(o.Output, "bench.json"), JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
        AtomicFile.WriteAllText(Path.Combine(o.Output, "bench.md"), md.ToString());
        Console.WriteLine($"Written: {Path.Combine(o.Output, "bench.json")}, {Path.Combine(o.Output, "bench.md")}");
    }

    private static string Na(CultureInfo c, double value, string format) => double.IsNaN(value) ? "n/a" : value.ToString(format, c);

    /// <summary>Phases as rows, sizes as columns: median ms per step and share of the phases' sum.</summary>
    private static void WriteProfile(StringBuilder md, CultureInfo c, string title, IReadOnlyList<SizeResult> sizes, Func<SizeResult, PhaseProfile> profile, string unit = "step", string units = "steps")
    {
        md.AppendLine(c, $"{title}, median ms per {unit} of each phase ({string.Join(", ", sizes.Select(s => $"H={s.Hidden}: {profile(s).Steps} {units}"))}):");
        md.AppendLine();
        md.AppendLine("| phase | " + string.Join(" | ", sizes.Select(s => $"H={s.Hidden}")) + " |");
        md.AppendLine("|---|" + string.Concat(sizes.Select(_ => "---:|")));
        foreach (var phase in profile(sizes[0]).Phases.Select(p => p.Phase))
            md.AppendLine($"| {phase} | " + string.Join(" | ", sizes.Select(s => Cell(c, profile(s), phase))) + " |");
        md.AppendLine("| sum | " + string.Join(" | ", sizes.Select(s => profile(s).Phases.Sum(p => p.Milliseconds).ToString("F1", c))) + " |");
        md.AppendLine();
    }

    private static string Cell(CultureInfo c, PhaseProfile p, string phase)
    {
        double total = p.Phases.Sum(x => x.Milliseconds), ms = p.Phases.FirstOrDefault(x => x.Phase == phase).Milliseconds;
        return string.Create(c, $"{ms:F1} ({100 * ms / total:F0}%)");
    }

    /// <summary>For each size below the target: what the profiles say stands in the way.</summary>
    private static void WriteShortfalls(StringBuilder md, CultureInfo c, IReadOnlyList<SizeResult> sizes)
    {
        string[] matmulPhases = ["forward loop", "head + loss", "head backward", "backward loop", "weight gradients"];
        foreach (var s in sizes.Where(s => s.OursCharsPerSecond / s.FusedCharsPerSecond < Target))
        {
            double total = s.Ours.Phases.Sum(p => p.Milliseconds);
            double matmul = s.Ours.Phases.Where(p => matmulPhases.Contains(p.Phase)).Sum(p => p.Milliseconds);
            double atPeak = 1000 * s.FlopsPerStep / (s.SgemmGflops * 1e9);
            double fused = s.Fused.Phases.Sum(p => p.Milliseconds);
            md.AppendLine(c, $"Below {Target}× at H={s.Hidden} ({s.OursCharsPerSecond / s.FusedCharsPerSecond:F2}×): the matmul-carrying phases (forward and backward loops, head, weight gradients) take {matmul:F1} of our {total:F1} ms ({100 * matmul / total:F0}%); the step's {s.FlopsPerStep / 1e9:F2} GFLOP alone need {atPeak:F1} ms at the measured sgemm peak, so a step at peak would be {fused / atPeak:F2}× the fused step ({fused:F1} ms in the profile). The rest of our step (batch, checks, clipping, optimiser, records) is {total - matmul:F1} ms.");
        }
        md.AppendLine();
    }
}
