using Microsoft.ML;
using RnnPipeline.DataViews;
using RnnPipeline.Diagnostics;
using RnnPipeline.IO;
using RnnPipeline.Options;
using RnnPipeline.Training;

namespace RnnPipeline.MLNet.CharRnn;

/// <summary>
/// A trained model to featurize with, and where it came from: the specification it was trained with and the records of
/// its training (empty when they were not kept). Loaded from a worker run folder, a saved featurizer, or given.
/// </summary>
internal sealed record CharRnnPretrained(CharRnnModel Model, RunSpec Spec, RunRecording Diagnostics, CharRnnOptions? SavedOptions)
{
    private const string RunFix = "restore the run folder as the worker wrote it, or train the run again";

    /// <summary>
    /// A worker run folder (<c>run.json</c>, <c>checkpoint.bin</c>, <c>SHA256SUMS</c>, and <c>data/</c> when it has
    /// one) or a file written by <see cref="CharRnnTransformer.Save"/>.
    /// </summary>
    /// <exception cref="InputException">Nothing is at <paramref name="path"/>, or a file is missing, damaged or foreign: the message names it and the fix.</exception>
    public static CharRnnPretrained Load(MLContext ml, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (File.Exists(path))
        {
            using var saved = CharRnnTransformer.Load(ml, path);
            return new CharRnnPretrained(saved.Model.Clone(), saved.Options.Run, saved.Diagnostics, saved.Options);
        }
        if (!Directory.Exists(path))
            throw new InputException($"pretrained char-RNN '{path}' does not exist: pass a worker run folder (with run.json, checkpoint.bin and SHA256SUMS) or a file written by CharRnnTransformer.Save");
        return FromRunFolder(ml, path);
    }

    private static CharRnnPretrained FromRunFolder(MLContext ml, string folder)
    {
        string state = Path.Combine(folder, RunStateFile.FileName), checkpoint = Path.Combine(folder, "checkpoint.bin");
        foreach (string file in (string[])[state, checkpoint])
            if (!File.Exists(file) && !Directory.Exists(file))
                throw new InputException($"'{Path.GetFullPath(file)}' is missing, so '{folder}' is not a finished worker run folder: pass the folder of a run the worker trained (it holds run.json, checkpoint.bin and SHA256SUMS)");
        var run = RunStateFile.Read(state, RunFix)!;
        var spec = run.Spec;
        if (run.State == RunStatus.Failed)
            throw new InputException($"run '{spec.Name}' in '{Path.GetFullPath(folder)}' failed (the worker's log has the error), so it holds no trained model: train it again");
        FileChecksums.Verify(checkpoint, RunFix, TrainingSession.MaximumCheckpointBytes(spec));
        var model = CharRnnModel.FromCheckpoint(spec, checkpoint);
        try
        {
            string data = Path.Combine(folder, "data");
            var recording = File.Exists(Path.Combine(data, RunTables.Runs + ".idv"))
                ? new RunDataViews(ml).Load(data)
                : new RunRecording(RunInfo.For("pretrained", spec));
            // As the worker checks a run's data views: a copied data/ of another run (or configuration) is refused.
            if (recording.Info.Name != spec.Name || recording.Info.ConfigHash != spec.ConfigHash())
                throw new InputException(
                    $"the data views in '{Path.GetFullPath(data)}' belong to run {recording.Info.RunId} (config {recording.Info.ConfigHash}), not to run '{spec.Name}' (config {spec.ConfigHash()}) of '{Path.GetFullPath(state)}': {RunFix}");
            string? note = run.State == RunStatus.Cancelled
                ? $"run '{spec.Name}' in '{Path.GetFullPath(folder)}' is unfinished (cancelled after {run.Steps} of {spec.Training.Steps} steps): featurizing with the weights of its last checkpoint; continue it with the worker's --resume for the fully trained model"
                : null;
            return new CharRnnPretrained(model, spec, recording, null) { Note = note };
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>What the user should know about the model before using it (an unfinished run), or null.</summary>
    public string? Note { get; init; }
}
