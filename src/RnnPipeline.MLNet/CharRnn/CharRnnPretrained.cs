using System.Text.Json;
using System.Text.Json.Serialization;
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
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

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
        string state = Path.Combine(folder, "run.json"), checkpoint = Path.Combine(folder, "checkpoint.bin");
        foreach (string file in (string[])[state, checkpoint])
            if (!File.Exists(file))
                throw new InputException($"'{Path.GetFullPath(file)}' is missing, so '{folder}' is not a finished worker run folder: pass the folder of a run the worker trained (it holds run.json, checkpoint.bin and SHA256SUMS)");
        FileChecksums.Verify(state, RunFix);
        FileChecksums.Verify(checkpoint, RunFix);
        RunSpec spec;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(state));
            spec = document.RootElement.GetProperty("Spec").Deserialize<RunSpec>(Json)
                ?? throw new InputException($"'{Path.GetFullPath(state)}' has no run specification: {RunFix}");
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InputException($"'{Path.GetFullPath(state)}' is not a worker run state file ({e.Message}): {RunFix}");
        }
        var model = CharRnnModel.FromCheckpoint(spec, checkpoint);
        string data = Path.Combine(folder, "data");
        var recording = File.Exists(Path.Combine(data, RunTables.Runs + ".idv"))
            ? new RunDataViews(ml).Load(data)
            : new RunRecording(RunInfo.For("pretrained", spec));
        return new CharRnnPretrained(model, spec, recording, null);
    }
}
