using RnnPipeline.Diagnostics;
using RnnPipeline.Options;

namespace RnnPipeline.Reporting;

/// <summary>One run as the report shows it.</summary>
/// <param name="Run">Its records (usually loaded back from its saved data views).</param>
/// <param name="Spec">Its configuration.</param>
/// <param name="DataFolder">Its data-view folder, relative to the report (for links).</param>
public sealed record ReportRun(RunRecording Run, RunSpec Spec, string DataFolder)
{
    /// <summary>Headline numbers.</summary>
    public RunSummary Summary => RunSummary.From(Run, Spec.Probe.SolvedThreshold);

    /// <summary>Name within the suite.</summary>
    public string Name => Spec.Name;

    /// <summary>
    /// The experiment the run belongs to, which the report shows as one section: its corpus kind, and for one-lag
    /// episode runs "&lt;kind&gt;-episodes" (lags learned alone are a different question from lags mixed in one stream).
    /// </summary>
    public string Experiment => Spec.Corpus.Kind.ToString().ToLowerInvariant() + (Spec.Corpus.Episodes ? "-episodes" : "");
}
