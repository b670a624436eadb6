using RnnPipeline.Diagnostics;
using RnnPipeline.IO;
using RnnPipeline.Options;
using RnnPipeline.Training.Engine;
using RnnPipeline.Training.Model;
using RnnPipeline.Training.Text;

namespace RnnPipeline.Training;

public sealed partial class TrainingSession
{
    /// <summary>Version of the checkpoint layout. A checkpoint of another version is refused, never guessed at.</summary>
    public const int CheckpointFormatVersion = Checkpoint.FormatVersion;

    /// <summary>Writes the checkpoint (see <see cref="WriteCheckpoint"/>) to <paramref name="path"/> atomically.</summary>
    public void SaveCheckpoint(string path) => AtomicFile.Write(path, WriteCheckpoint);

    /// <summary>
    /// Writes everything needed to continue exactly: format version, configuration hash, vocabulary, step, data cursor,
    /// weights, optimiser state, carried hidden state, learning-rate scale, counters and the rollback snapshot, then
    /// the SHA-256 of all of it.
    /// </summary>
    public void WriteCheckpoint(Stream stream) => TorchGuard.Run(() => Checkpoint.Write(stream, _run.Spec.ConfigHash(), writer =>
    {
        writer.Write(_run.Corpus.Vocabulary.Characters);
        _run.Recovery.WriteCounters(writer);
        writer.Write(_run.Clipped);
        writer.Write(_run.ElapsedSeconds);
        _run.State.Write(writer);
        _run.Recovery.WriteSnapshot(writer);
    }));

    /// <summary>
    /// The largest checkpoint a run of <paramref name="spec"/> can write: a larger file is refused by its length before it
    /// is read or hashed.
    /// </summary>
    public static long MaximumCheckpointBytes(RunSpec spec) => Checkpoint.MaximumBytes(spec);

    /// <summary>Checks that <paramref name="checkpointPath"/> is intact, of this format version and of <paramref name="spec"/>'s configuration.</summary>
    /// <exception cref="InputException">It is not, with the reason and the fix.</exception>
    public static void VerifyCheckpoint(RunSpec spec, string checkpointPath)
    {
        using var reader = Checkpoint.Open(checkpointPath, spec);
    }

    /// <summary>Continues the run saved at <paramref name="checkpointPath"/>; records go to <paramref name="sink"/> from the next step on.</summary>
    /// <exception cref="InputException">
    /// The checkpoint is truncated or damaged, of another format version, or belongs to another configuration or text.
    /// </exception>
    public static TrainingSession Resume(RunSpec spec, CharCorpus corpus, IRunSink sink, string checkpointPath) => TorchGuard.Run(() =>
    {
        using var reader = Checkpoint.Open(checkpointPath, spec);
        if (reader.ReadString() != corpus.Vocabulary.Characters)
            throw new InputException($"checkpoint '{checkpointPath}' was trained on a different text (other characters): restore the text or {Checkpoint.Restart}");
        var session = Create(spec, corpus, sink);
        session._run.Recovery.ReadCounters(reader);
        session._run.Clipped = reader.ReadInt32();
        session._run.ElapsedBefore = reader.ReadDouble();
        session._run.State.Read(reader);
        session._run.Recovery.ReadSnapshot(reader);
        return session;
    });

    /// <summary>The step a run continues from with the checkpoint at <paramref name="checkpointPath"/> (checked as <see cref="VerifyCheckpoint"/> checks it).</summary>
    /// <exception cref="InputException">The checkpoint is damaged, of another version or configuration.</exception>
    public static int CheckpointStep(RunSpec spec, string checkpointPath)
    {
        using var reader = Checkpoint.Open(checkpointPath, spec);
        ReadToState(reader);
        return reader.ReadInt32();                                              // TrainingState.Write: the step first
    }

    /// <summary>Reads what <see cref="WriteCheckpoint"/> writes before the training state; returns the vocabulary.</summary>
    private static Vocabulary ReadToState(BinaryReader reader)
    {
        var vocabulary = Vocabulary.FromCharacters(reader.ReadString());
        reader.ReadDouble();                                                    // learning-rate scale
        reader.ReadInt32();                                                     // non-finite events
        reader.ReadInt32();                                                     // clipped steps
        reader.ReadDouble();                                                    // elapsed seconds
        return vocabulary;
    }

    /// <summary>
    /// The vocabulary and weights saved in <paramref name="checkpointPath"/> (checked as <see cref="VerifyCheckpoint"/>
    /// checks it): the content <see cref="WriteCheckpoint"/> writes, read up to the weights.
    /// </summary>
    /// <exception cref="InputException">The checkpoint is damaged, of another version or configuration, or does not hold the spec's model.</exception>
    internal static (Vocabulary Vocabulary, CharRnnWeights Weights) ReadModel(RunSpec spec, string checkpointPath)
    {
        using var reader = Checkpoint.Open(checkpointPath, spec);
        var vocabulary = ReadToState(reader);
        var (_, _, weights) = TrainingState.ReadHead(reader);
        if (weights.Hidden == spec.Model.HiddenSize && weights.Cell == spec.Model.Cell && weights.Vocabulary == vocabulary.Size) return (vocabulary, weights);
        weights.Dispose();
        throw new InputException($"checkpoint '{checkpointPath}' does not hold the model its configuration describes: restore it or train the run again");
    }
}
