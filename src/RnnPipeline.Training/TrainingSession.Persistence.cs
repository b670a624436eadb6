using RnnPipeline.Diagnostics;
using RnnPipeline.IO;
using RnnPipeline.Options;
using RnnPipeline.Training.Text;

namespace RnnPipeline.Training;

public sealed partial class TrainingSession
{
    private const string Magic = "RNNPIPELINE-CHECKPOINT";
    private const int FormatVersion = 1;

    /// <summary>
    /// Writes everything needed to continue exactly: configuration hash, vocabulary, step, data cursor, weights,
    /// optimiser state, carried hidden state, learning-rate scale, counters and the rollback snapshot. Atomic.
    /// </summary>
    public void SaveCheckpoint(string path) => AtomicFile.Write(path, stream =>
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(_spec.ConfigHash());
        writer.Write(_corpus.Vocabulary.Characters);
        writer.Write(_lrScale);
        writer.Write(_events);
        writer.Write(_clipped);
        writer.Write(_elapsedBefore + _clock.Elapsed.TotalSeconds);
        _state.Write(writer);
        writer.Write(_snapshot is not null);
        _snapshot?.Write(writer);
    });

    /// <summary>Continues the run saved at <paramref name="checkpointPath"/>; records go to <paramref name="sink"/> from the next step on.</summary>
    /// <exception cref="InputException">The checkpoint is unreadable or belongs to another configuration or text.</exception>
    public static TrainingSession Resume(RunSpec spec, CharCorpus corpus, IRunSink sink, string checkpointPath)
    {
        using var reader = new BinaryReader(File.OpenRead(checkpointPath), System.Text.Encoding.UTF8);
        try
        {
            if (reader.ReadString() != Magic || reader.ReadInt32() != FormatVersion)
                throw new InputException($"'{checkpointPath}' is not a checkpoint of this version: start the run again without --resume");
            if (reader.ReadString() != spec.ConfigHash())
                throw new InputException($"checkpoint '{checkpointPath}' was written for a different configuration of run '{spec.Name}': restore that configuration or start again without --resume");
            string vocabulary = reader.ReadString();
            if (vocabulary != corpus.Vocabulary.Characters)
                throw new InputException($"checkpoint '{checkpointPath}' was trained on a different text (other characters): restore the text or start again without --resume");
            var session = Create(spec, corpus, sink);
            session._lrScale = reader.ReadDouble();
            session._events = reader.ReadInt32();
            session._clipped = reader.ReadInt32();
            session._elapsedBefore = reader.ReadDouble();
            session._state.Read(reader);
            if (reader.ReadBoolean())
            {
                session.TakeSnapshot(0);
                session._snapshot!.Read(reader);
            }
            return session;
        }
        catch (EndOfStreamException)
        {
            throw new InputException($"checkpoint '{checkpointPath}' is truncated: start the run again without --resume");
        }
    }
}
