using RnnPipeline.IO;
using RnnPipeline.Options;

namespace RnnPipeline.Worker.Jobs;

/// <summary>
/// Layout of one run's output: <c>run.json</c> (spec and state), <c>checkpoint.bin</c>, <c>data/</c> (data views),
/// <c>plots/</c> (PNG).
/// </summary>
public sealed class RunFolder(string suiteFolder, string runName)
{
    /// <summary>The folder.</summary>
    public string Path { get; } = System.IO.Path.Combine(suiteFolder, runName);
    /// <summary>Training checkpoint.</summary>
    public string Checkpoint => System.IO.Path.Combine(Path, "checkpoint.bin");
    /// <summary>Data views (.idv and .csv).</summary>
    public string Data => System.IO.Path.Combine(Path, "data");
    /// <summary>TensorBoard event files (with <c>--Worker:TensorBoard=true</c>).</summary>
    public string TensorBoard => System.IO.Path.Combine(Path, "tensorboard");
    /// <summary>Per-run PNG plots.</summary>
    public string Plots => System.IO.Path.Combine(Path, "plots");
    private string StatePath => System.IO.Path.Combine(Path, RunStateFile.FileName);

    /// <summary>Writes the run's spec and state atomically, with its checksum.</summary>
    public void WriteState(RunSpec spec, RunStatus state, int steps)
    {
        using var files = new AtomicFileSet();
        WriteState(files, spec, state, steps);
        files.Commit();
    }

    /// <summary>Stages the run's spec and state in <paramref name="files"/>.</summary>
    public void WriteState(AtomicFileSet files, RunSpec spec, RunStatus state, int steps) =>
        files.WriteAllText(StatePath, new RunStateFile(state, steps, spec).Serialize());

    /// <summary>The recorded state, or null when the run never wrote one.</summary>
    /// <exception cref="InputException">run.json is damaged.</exception>
    public RunStatus? ReadState() => RunStateFile.Read(StatePath, DamagedFix)?.State;

    /// <summary>The specification the run was saved with, or null when the run never wrote one.</summary>
    /// <exception cref="InputException">run.json is damaged.</exception>
    public RunSpec? ReadSpec() => RunStateFile.Read(StatePath, DamagedFix)?.Spec;

    /// <summary>The fix for a damaged file of the run.</summary>
    public const string DamagedFix = "restore it, or train the run again (without --resume)";
}
