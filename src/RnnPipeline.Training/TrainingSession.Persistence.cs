using RnnPipeline.Diagnostics;
using RnnPipeline.IO;
using RnnPipeline.Options;
using RnnPipeline.Training.Engine;
using RnnPipeline.Training.Model;
using RnnPipeline.Training.Text;

namespace RnnPipeline.Training;

public sealed partial class TrainingSession
{
    /// <summary>
    /// Version of the checkpoint's file format (<see cref="SectionFile.FormatVersion"/>). A checkpoint of another version
    /// is refused, never guessed at.
    /// </summary>
    public const int CheckpointFormatVersion = SectionFile.FormatVersion;

    /// <summary>Writes the checkpoint (see <see cref="WriteCheckpoint"/>) to <paramref name="path"/> atomically.</summary>
    public void SaveCheckpoint(string path) => AtomicFile.Write(path, WriteCheckpoint);

    /// <summary>
    /// Writes everything needed to continue exactly, as named sections (<see cref="SectionFile"/>): configuration hash,
    /// the model (vocabulary, activation, weights), step and data cursor, optimiser state, carried hidden state,
    /// learning-rate scale, counters and the rollback snapshot, then the SHA-256 of all of it.
    /// </summary>
    public void WriteCheckpoint(Stream stream) => TorchGuard.Run(() => Checkpoint.Write(stream, _run.Spec.ConfigHash(), file =>
    {
        PersistedSections.WriteVocabulary(file, _run.Corpus.Vocabulary);
        PersistedSections.WriteActivation(file, _run.Spec.Model.Activation);
        _run.State.Write(file);
        file.Add(PersistedSections.Progress, writer =>
        {
            writer.Write(_run.Clipped);
            writer.Write(_run.ElapsedSeconds);
        });
        _run.Recovery.Write(file);
    }));

    /// <summary>
    /// The largest checkpoint a run of <paramref name="spec"/> can write: a larger file is refused by its length before it
    /// is read or hashed.
    /// </summary>
    public static long MaximumCheckpointBytes(RunSpec spec) => Checkpoint.MaximumBytes(spec);

    /// <summary>Checks that <paramref name="checkpointPath"/> is intact, of this format version and of <paramref name="spec"/>'s configuration.</summary>
    /// <exception cref="InputException">It is not, with the reason and the fix.</exception>
    public static void VerifyCheckpoint(RunSpec spec, string checkpointPath) => Checkpoint.Open(checkpointPath, spec);

    /// <summary>Continues the run saved at <paramref name="checkpointPath"/>; records go to <paramref name="sink"/> from the next step on.</summary>
    /// <exception cref="InputException">
    /// The checkpoint is truncated or damaged, of another format version, or belongs to another configuration or text.
    /// </exception>
    public static TrainingSession Resume(RunSpec spec, CharCorpus corpus, IRunSink sink, string checkpointPath) => TorchGuard.Run(() =>
    {
        var file = Checkpoint.Open(checkpointPath, spec);
        if (PersistedSections.ReadVocabulary(file).Characters != corpus.Vocabulary.Characters)
            throw new InputException($"checkpoint '{checkpointPath}' was trained on a different text (other characters): restore the text or {Checkpoint.Restart}");
        var session = Create(spec, corpus, sink);
        try
        {
            session._run.State.Read(file);
            (session._run.Clipped, session._run.ElapsedBefore) = file.Read(PersistedSections.Progress, reader => (reader.ReadInt32(), reader.ReadDouble()));
            session._run.Recovery.Read(file);
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    });

    /// <summary>The step a run continues from with the checkpoint at <paramref name="checkpointPath"/> (checked as <see cref="VerifyCheckpoint"/> checks it).</summary>
    /// <exception cref="InputException">The checkpoint is damaged, of another version or configuration.</exception>
    public static int CheckpointStep(RunSpec spec, string checkpointPath) => TrainingState.ReadCursor(Checkpoint.Open(checkpointPath, spec)).Step;

    /// <summary>
    /// The vocabulary and weights saved in <paramref name="checkpointPath"/> (checked as <see cref="VerifyCheckpoint"/>
    /// checks it), read by their section names: nothing else of the checkpoint is read.
    /// </summary>
    /// <exception cref="InputException">The checkpoint is damaged, of another version or configuration, or does not hold the spec's model.</exception>
    internal static (Vocabulary Vocabulary, CharRnnWeights Weights) ReadModel(RunSpec spec, string checkpointPath)
    {
        var file = Checkpoint.Open(checkpointPath, spec);
        var vocabulary = PersistedSections.ReadVocabulary(file);
        var weights = file.Read(PersistedSections.Weights, CharRnnWeights.Read);
        if (weights.Hidden == spec.Model.HiddenSize && weights.Cell == spec.Model.Cell && weights.Vocabulary == vocabulary.Size) return (vocabulary, weights);
        weights.Dispose();
        throw new InputException($"checkpoint '{checkpointPath}' does not hold the model its configuration describes: restore it or train the run again");
    }
}
