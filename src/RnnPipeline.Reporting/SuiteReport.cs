using OxyPlot;
using RnnPipeline.IO;
using RnnPipeline.Reporting.Plots;

namespace RnnPipeline.Reporting;

/// <summary>Writes a suite's report: <c>report.html</c>, every plot as PNG under <c>plots/</c>, and the measured tables as <c>summary.md</c>.</summary>
public static class SuiteReport
{
    /// <summary>
    /// Writes the report of <paramref name="runs"/> into <paramref name="suiteFolder"/>, listing <paramref name="absent"/>
    /// runs of the suite it leaves out; <paramref name="machine"/> (where the runs trained) heads summary.md. Returns the HTML path.
    /// </summary>
    public static string Write(string suiteFolder, string suite, string description, IReadOnlyList<ReportRun> runs, IReadOnlyList<AbsentRun>? absent = null, string machine = "")
    {
        string plots = Path.Combine(suiteFolder, "plots");
        var probes = ProbeFindings.PerCorpus(runs);
        foreach (var group in runs.GroupBy(r => r.Spec.Corpus.Kind))
        {
            var records = group.Select(r => r.Run).ToArray();
            string prefix = group.Key.ToString().ToLowerInvariant();
            var analysed = records.Where(r => r.Stability.Count > 0).ToArray();    // runs with stability diagnostics
            if (analysed.Length > 0)
            {
                double epsilon = group.First().Spec.Diagnostics.HorizonEpsilon;
                Png(plots, $"{prefix}-1-gradient-vs-lag", StabilityPlots.GradientVersusLag(analysed, epsilon));
                Png(plots, $"{prefix}-2-product-vs-bound", StabilityPlots.ProductVersusBound(analysed));
                Png(plots, $"{prefix}-3-jacobian-norms", StabilityPlots.JacobianNorms(analysed));
                Png(plots, $"{prefix}-4-saturation", StabilityPlots.SaturationAndDeadUnits(analysed));
                Png(plots, $"{prefix}-5-lyapunov", TrainingPlots.LyapunovOverTraining(analysed));
            }
            Png(plots, $"{prefix}-6-bits-per-char", TrainingPlots.BitsPerChar(records));
            Png(plots, $"{prefix}-7-gradient-norm-clipping", TrainingPlots.GradientNormAndClipping(records));
            if (probes.GetValueOrDefault(group.Key) is { } probe)
            {
                double threshold = probe.Options.SolvedThreshold;
                Png(plots, $"{prefix}-8-probe-accuracy", ProbePlots.AccuracyVersusLag(records, threshold));
                for (int i = 0; i < probe.Units.Count; i++)
                    if (ProbePlots.AccuracyOverTraining(probe.Units[i], i, threshold) is { } model) Png(plots, $"{prefix}-9-probe-over-training-{probe.Units[i].Name}", model);
            }
            foreach (var run in group.Where(r => r.Run.Stability.Count > 0))
                Png(plots, $"heatmap-{run.Name}", StabilityPlots.GradientHeatmap(run.Run));
        }
        string report = Path.Combine(suiteFolder, "report.html");
        AtomicFile.Write(report, s => HtmlReport.Write(s, suite, description, runs, absent, probes));
        AtomicFile.Write(Path.Combine(suiteFolder, "summary.md"), s => MarkdownSummary.Write(s, suite, machine, runs, probes));
        return report;
    }

    private static void Png(string folder, string name, PlotModel model) =>
        AtomicFile.Write(Path.Combine(folder, name + ".png"), s => PlotExport.Png(model, s));
}
