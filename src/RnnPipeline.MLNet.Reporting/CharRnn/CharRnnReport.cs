using RnnPipeline.DataViews;
using RnnPipeline.Reporting;
using Microsoft.ML;

namespace RnnPipeline.MLNet.CharRnn;

/// <summary>
/// The stability report of a char-RNN featurizer's fit. In a package of its own (RnnPipeline.MLNet.Reporting) so that
/// the featurizer's users who do not write reports never restore the plotting stack.
/// </summary>
public static class CharRnnReport
{
    private const string ReportFix = "write the report to a new or empty folder, or remove what is there";

    /// <summary>
    /// Writes the stability report of the fit of <paramref name="transformer"/> into <paramref name="folder"/>, as the
    /// worker writes a suite's: <c>report.html</c> (self-contained), <c>summary.md</c>, <c>plots/*.png</c>, and the
    /// records as the worker's data views under <c>&lt;run&gt;/data/</c> (<c>.idv</c> and <c>.csv</c> with their
    /// SHA256SUMS; <c>&lt;run&gt;</c> is <c>Options.Run.Name</c>, "charrnn" by default). The stability plots need
    /// <see cref="CharRnnOptions.RecordDiagnostics"/> on when fitting; without it the report shows loss, bits per
    /// character, gradient norms and clipping. Rewriting a report into the folder it went to before is allowed.
    /// Returns the path of <c>report.html</c>.
    /// </summary>
    /// <exception cref="InputException">
    /// The transformer holds no training records (it was loaded, not fitted), or <paramref name="folder"/> (or a folder
    /// the report writes) is a file or a symbolic link, or holds anything else than an earlier report of this kind.
    /// </exception>
    public static string WriteReport(this CharRnnTransformer transformer, string folder)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var diagnostics = transformer.Diagnostics;
        if (diagnostics.Metrics.Count == 0)
            throw new InputException("this char-RNN featurizer holds no training records (CharRnnTransformer.Load does not keep them): write the report from the transformer that Fit returned, or load a worker run folder with ApplyCharRnn");
        var spec = transformer.Options.Run;
        CheckReportFolder(folder, spec.Name);
        string data = Path.Combine(folder, spec.Name, "data");
        new RunDataViews(new MLContext()).Save(diagnostics, data);
        var run = new ReportRun(diagnostics, spec, Path.GetRelativePath(folder, data));
        string description = $"Training records of a char-RNN featurizer: {spec.Model.Unit} units, H = {spec.Model.HiddenSize}, "
            + $"{diagnostics.Metrics.Count} of {spec.Training.Steps} steps, seed {spec.Training.Seed}"
            + (diagnostics.Stability.Count > 0 ? $", {diagnostics.Stability.Count} stability snapshots. " : "; stability diagnostics were not recorded (CharRnnOptions.RecordDiagnostics). ")
            + transformer.Describe();
        return SuiteReport.Write(folder, "char-RNN featurizer", description, [run]);
    }

    /// <summary>The folder is new, empty or an earlier report of <paramref name="run"/>, and nothing it writes through is a link or a file.</summary>
    private static void CheckReportFolder(string folder, string run)
    {
        RequireFolderOrNothing(folder, "the report folder");
        if (!Directory.Exists(folder)) return;
        string[] ours = ["report.html", "summary.md", "plots", run];
        foreach (string entry in Directory.EnumerateFileSystemEntries(folder))
            if (!ours.Contains(Path.GetFileName(entry), StringComparer.Ordinal))
                throw new InputException($"'{Path.GetFullPath(folder)}' holds '{Path.GetFileName(entry)}', which is not part of a char-RNN report: {ReportFix}");
        RequireFolderOrNothing(Path.Combine(folder, "plots"), "the report's plot folder");
        RequireFolderOrNothing(Path.Combine(folder, run), "the report's run folder");
        RequireFolderOrNothing(Path.Combine(folder, run, "data"), "the report's data folder");
        foreach (string file in (string[])["report.html", "summary.md"])
            if (Directory.Exists(Path.Combine(folder, file)) || new FileInfo(Path.Combine(folder, file)).LinkTarget is not null)
                throw new InputException($"'{Path.GetFullPath(Path.Combine(folder, file))}' is a folder or a link where the report writes a file: {ReportFix}");
    }

    private static void RequireFolderOrNothing(string path, string what)
    {
        if (new DirectoryInfo(path).LinkTarget is not null)
            throw new InputException($"'{Path.GetFullPath(path)}' is a symbolic link where {what} must be a real folder (a report is never written through links): {ReportFix}");
        if (File.Exists(path))
            throw new InputException($"'{Path.GetFullPath(path)}' is a file where {what} must be: {ReportFix}");
    }
}
