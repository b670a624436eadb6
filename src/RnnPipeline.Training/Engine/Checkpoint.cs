using System.Security.Cryptography;
using RnnPipeline.IO;
using RnnPipeline.Options;

namespace RnnPipeline.Training.Engine;

/// <summary>
/// The checkpoint file: a magic string, <see cref="FormatVersion"/>, the run's configuration hash, then the run's
/// content (written and read by <see cref="TrainingSession"/>), then the SHA-256 of every byte before it. Files of
/// another version, configuration or with a wrong checksum are refused with the reason and the fix, never guessed at.
/// </summary>
internal static class Checkpoint
{
    private const string Magic = "RNNPIPELINE-CHECKPOINT";
    private const int HashBytes = 32;

    /// <summary>Version of the layout. 2: the file ends with the SHA-256 of every byte before it.</summary>
    public const int FormatVersion = 2;

    /// <summary>The fix named by every refusal.</summary>
    public const string Restart = "start the run again without --resume";

    /// <summary>Writes header, <paramref name="content"/> and checksum to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, string configHash, Action<BinaryWriter> content)
    {
        var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(configHash);
            content(writer);
        }
        buffer.Position = 0;
        buffer.CopyTo(stream);
        stream.Write(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
    }

    /// <summary>
    /// The largest checkpoint a run of <paramref name="spec"/> writes: the training state and the rollback snapshot
    /// (each the weights, Adam's two moments and the carried hidden state [B, H], float32) at the largest vocabulary a
    /// text can have (65,536 UTF-16 code units), the vocabulary itself and the header. A larger file is refused by its
    /// length before it is read or hashed (at most the largest array .NET reads at once).
    /// </summary>
    public static long MaximumBytes(RunSpec spec)
    {
        const long vocabulary = 1 << 16;
        long h = spec.Model.HiddenSize, d = spec.Model.EmbeddingSize, input = d > 0 ? d : vocabulary;
        long parameters = vocabulary * d + h * input + h * h + h + vocabulary * h + vocabulary;
        long floats = 2 * (3 * parameters + spec.Training.BatchSize * h);
        return Math.Min(4 * floats + 3 * vocabulary + (64 << 10), Array.MaxLength - 1);
    }

    /// <summary>
    /// Reads and checks the header and checksum of <paramref name="path"/> against the configuration of
    /// <paramref name="spec"/>; the returned reader stands at the content. Only a regular file within
    /// <see cref="MaximumBytes"/> is read (see <see cref="RegularFile"/>).
    /// </summary>
    /// <exception cref="InputException">The file is not a checkpoint of this version and configuration, or is damaged.</exception>
    public static BinaryReader Open(string path, RunSpec spec)
    {
        string configHash = spec.ConfigHash(), run = spec.Name;
        byte[] bytes = RegularFile.ReadAllBytes(path, MaximumBytes(spec), $"restore it or {Restart}");
        var reader = new BinaryReader(new MemoryStream(bytes), System.Text.Encoding.UTF8);
        try
        {
            if (reader.ReadString() != Magic)
                throw new InputException($"'{path}' is not an RnnPipeline checkpoint: restore it or {Restart}");
            int version = reader.ReadInt32();
            if (version != FormatVersion)
                throw new InputException($"checkpoint '{path}' has format version {version}, this version reads {FormatVersion}: {Restart}");
            int content = bytes.Length - HashBytes;
            if (content < reader.BaseStream.Position || !SHA256.HashData(bytes.AsSpan(0, content)).AsSpan().SequenceEqual(bytes.AsSpan(content)))
                throw new InputException($"checkpoint '{path}' is damaged or truncated (its SHA-256 does not match its content): restore it or {Restart}");
            if (reader.ReadString() != configHash)
                throw new InputException($"checkpoint '{path}' was written for a different configuration of run '{run}': restore that configuration or {Restart}");
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
