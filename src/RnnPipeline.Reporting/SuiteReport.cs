using RnnPipeline.IO;

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
        var figures = CorpusFigures.PerCorpus(runs, probes);
        foreach (var figure in figures.Values.SelectMany(f => f.All))
            AtomicFile.Write(Path.Combine(plots, figure.Name + ".png"), s => s.Write(figure.Png()));
        string report = Path.Combine(suiteFolder, "report.html");
        AtomicFile.Write(report, s => HtmlReport.Write(s, suite, description, runs, absent, probes, figures));
        AtomicFile.Write(Path.Combine(suiteFolder, "summary.md"), s => MarkdownSummary.Write(s, suite, machine, runs, probes));
        return report;
    }
}
