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
    public void WriteCheckpoint(Stream stream) => TorchGuard.Run(() => Checkpoint.Write(stream, _spec.ConfigHash(), writer =>
    {
        writer.Write(_corpus.Vocabulary.Characters);
        _recovery.WriteCounters(writer);
        writer.Write(_clipped);
        writer.Write(_elapsedBefore + _clock.Elapsed.TotalSeconds);
        _state.Write(writer);
        _recovery.WriteSnapshot(writer);
    }));

    /// <summary>Checks that <paramref name="checkpointPath"/> is intact, of this format version and of <paramref name="spec"/>'s configuration.</summary>
    /// <exception cref="InputException">It is not, with the reason and the fix.</exception>
    public static void VerifyCheckpoint(RunSpec spec, string checkpointPath)
    {
        using var reader = Checkpoint.Open(checkpointPath, spec.ConfigHash(), spec.Name);
    }

    /// <summary>Continues the run saved at <paramref name="checkpointPath"/>; records go to <paramref name="sink"/> from the next step on.</summary>
    /// <exception cref="InputException">
    /// The checkpoint is truncated or damaged, of another format version, or belongs to another configuration or text.
    /// </exception>
    public static TrainingSession Resume(RunSpec spec, CharCorpus corpus, IRunSink sink, string checkpointPath) => TorchGuard.Run(() =>
    {
        using var reader = Checkpoint.Open(checkpointPath, spec.ConfigHash(), spec.Name);
        if (reader.ReadString() != corpus.Vocabulary.Characters)
            throw new InputException($"checkpoint '{checkpointPath}' was trained on a different text (other characters): restore the text or {Checkpoint.Restart}");
        var session = Create(spec, corpus, sink);
        session._recovery.ReadCounters(reader);
        session._clipped = reader.ReadInt32();
        session._elapsedBefore = reader.ReadDouble();
        session._state.Read(reader);
        session._recovery.ReadSnapshot(reader);
        return session;
    });

    /// <summary>
    /// The vocabulary and weights saved in <paramref name="checkpointPath"/> (checked as <see cref="VerifyCheckpoint"/>
    /// checks it): the content <see cref="WriteCheckpoint"/> writes, read up to the weights.
    /// </summary>
    /// <exception cref="InputException">The checkpoint is damaged, of another version or configuration, or does not hold the spec's model.</exception>
    internal static (Vocabulary Vocabulary, CharRnnWeights Weights) ReadModel(RunSpec spec, string checkpointPath)
    {
        using var reader = Checkpoint.Open(checkpointPath, spec.ConfigHash(), spec.Name);
        var vocabulary = Vocabulary.FromCharacters(reader.ReadString());
        reader.ReadDouble();                                                    // learning-rate scale
        reader.ReadInt32();                                                     // non-finite events
        reader.ReadInt32();                                                     // clipped steps
        reader.ReadDouble();                                                    // elapsed seconds
        var (_, _, weights) = TrainingState.ReadHead(reader);
        if (weights.Hidden == spec.Model.HiddenSize && weights.Cell == spec.Model.Cell && weights.Vocabulary == vocabulary.Size) return (vocabulary, weights);
        weights.Dispose();
        throw new InputException($"checkpoint '{checkpointPath}' does not hold the model its configuration describes: restore it or train the run again");
    }
}
