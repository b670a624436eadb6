using System.Security.Cryptography;
using RnnPipeline.Diagnostics;
using RnnPipeline.IO;
using RnnPipeline.Options;
using RnnPipeline.Training.Text;

namespace RnnPipeline.Training;

public sealed partial class TrainingSession
{
    private const string Magic = "RNNPIPELINE-CHECKPOINT";

    /// <summary>
    /// Version of the checkpoint layout, written after the magic string. 2: the file ends with the SHA-256 of every byte
    /// before it. A checkpoint of another version is refused, never guessed at.
    /// </summary>
    public const int CheckpointFormatVersion = 2;

    private const int HashBytes = 32;
    private const string Restart = "start the run again without --resume";

    /// <summary>Writes the checkpoint (see <see cref="WriteCheckpoint"/>) to <paramref name="path"/> atomically.</summary>
    public void SaveCheckpoint(string path) => AtomicFile.Write(path, WriteCheckpoint);

    /// <summary>
    /// Writes everything needed to continue exactly: format version, configuration hash, vocabulary, step, data cursor,
    /// weights, optimiser state, carried hidden state, learning-rate scale, counters and the rollback snapshot, then
    /// the SHA-256 of all of it.
    /// </summary>
    public void WriteCheckpoint(Stream stream)
    {
        using var guard = TorchGuard.Enter();
        var content = new MemoryStream();
        using (var writer = new BinaryWriter(content, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(CheckpointFormatVersion);
            writer.Write(_spec.ConfigHash());
            writer.Write(_corpus.Vocabulary.Characters);
            writer.Write(_lrScale);
            writer.Write(_events);
            writer.Write(_clipped);
            writer.Write(_elapsedBefore + _clock.Elapsed.TotalSeconds);
            _state.Write(writer);
            writer.Write(_snapshot is not null);
            _snapshot?.Write(writer);
        }
        content.Position = 0;
        content.CopyTo(stream);
        stream.Write(SHA256.HashData(content.GetBuffer().AsSpan(0, (int)content.Length)));
    }

    /// <summary>Checks that <paramref name="checkpointPath"/> is intact, of this format version and of <paramref name="spec"/>'s configuration.</summary>
    /// <exception cref="InputException">It is not, with the reason and the fix.</exception>
    public static void VerifyCheckpoint(RunSpec spec, string checkpointPath)
    {
        using var reader = OpenCheckpoint(spec, checkpointPath);
    }

    /// <summary>Continues the run saved at <paramref name="checkpointPath"/>; records go to <paramref name="sink"/> from the next step on.</summary>
    /// <exception cref="InputException">
    /// The checkpoint is truncated or damaged, of another format version, or belongs to another configuration or text.
    /// </exception>
    public static TrainingSession Resume(RunSpec spec, CharCorpus corpus, IRunSink sink, string checkpointPath)
    {
        using var guard = TorchGuard.Enter();
        using var reader = OpenCheckpoint(spec, checkpointPath);
        if (reader.ReadString() != corpus.Vocabulary.Characters)
            throw new InputException($"checkpoint '{checkpointPath}' was trained on a different text (other characters): restore the text or {Restart}");
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

    /// <summary>Reads and checks the header and checksum; the returned reader stands at the vocabulary.</summary>
    private static BinaryReader OpenCheckpoint(RunSpec spec, string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var reader = new BinaryReader(new MemoryStream(bytes), System.Text.Encoding.UTF8);
        try
        {
            if (reader.ReadString() != Magic)
                throw new InputException($"'{path}' is not an RnnPipeline checkpoint: restore it or {Restart}");
            int version = reader.ReadInt32();
            if (version != CheckpointFormatVersion)
                throw new InputException($"checkpoint '{path}' has format version {version}, this version reads {CheckpointFormatVersion}: {Restart}");
            int content = bytes.Length - HashBytes;
            if (content < reader.BaseStream.Position || !SHA256.HashData(bytes.AsSpan(0, content)).AsSpan().SequenceEqual(bytes.AsSpan(content)))
                throw new InputException($"checkpoint '{path}' is damaged or truncated (its SHA-256 does not match its content): restore it or {Restart}");
            if (reader.ReadString() != spec.ConfigHash())
                throw new InputException($"checkpoint '{path}' was written for a different configuration of run '{spec.Name}': restore that configuration or {Restart}");
            return reader;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException)
        {
            reader.Dispose();
            throw new InputException($"checkpoint '{path}' is truncated or damaged: restore it or {Restart}");
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }
}
