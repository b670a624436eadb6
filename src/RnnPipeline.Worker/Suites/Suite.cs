using RnnPipeline.Options;

namespace RnnPipeline.Worker.Suites;

/// <summary>A loaded, expanded and validated suite.</summary>
/// <param name="Name">Suite name (output folder name).</param>
/// <param name="Description">One paragraph shown in the report.</param>
/// <param name="SourcePath">The suite file.</param>
/// <param name="Runs">Expanded runs, in order; names are unique.</param>
public sealed record Suite(string Name, string Description, string SourcePath, IReadOnlyList<RunSpec> Runs)
{
    /// <summary>Folder against which relative corpus paths resolve.</summary>
    public string BaseFolder => Path.GetDirectoryName(Path.GetFullPath(SourcePath))!;

    /// <summary>Absolute path of a run's text corpus.</summary>
    public string ResolveCorpusPath(RunSpec run) => Path.GetFullPath(Path.Combine(BaseFolder, run.Corpus.Path ?? ""));
}
