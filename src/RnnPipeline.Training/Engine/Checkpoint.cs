using RnnPipeline.IO;
using RnnPipeline.Options;

namespace RnnPipeline.Training.Engine;

/// <summary>
/// The checkpoint file: a <see cref="SectionFile"/> of kind <see cref="Kind"/> whose first section is the run's
/// configuration hash, followed by the sections the session writes (see <see cref="PersistedSections"/>). Files of
/// another version or configuration, or with a wrong checksum, are refused with the reason and the fix, never guessed at.
/// </summary>
internal static class Checkpoint
{
    /// <summary>The kind a checkpoint's container names.</summary>
    public const string Kind = "checkpoint";

    /// <summary>The fix named by every refusal.</summary>
    public const string Restart = "start the run again without --resume";

    /// <summary>Writes the configuration hash and the sections <paramref name="content"/> adds, then the checksum, to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, string configHash, Action<SectionFileWriter> content)
    {
        var file = new SectionFileWriter(Kind);
        file.Add(PersistedSections.Configuration, writer => writer.Write(configHash));
        content(file);
        file.WriteTo(stream);
    }

    /// <summary>
    /// The largest checkpoint a run of <paramref name="spec"/> writes: the training state and the rollback snapshot
    /// (each the weights, Adam's two moments and the carried hidden state [B, H], float32) at the largest vocabulary a
    /// text can have (65,536 UTF-16 code units), the vocabulary itself, the header and the section table. A larger file
    /// is refused by its length before it is read or hashed (at most the largest array .NET reads at once).
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
    /// Reads and checks <paramref name="path"/> (header, checksum, section table) and its configuration against
    /// <paramref name="spec"/>. Only a regular file within <see cref="MaximumBytes"/> is read (see <see cref="RegularFile"/>).
    /// </summary>
    /// <exception cref="InputException">The file is not a checkpoint of this version and configuration, or is damaged.</exception>
    public static SectionFileReader Open(string path, RunSpec spec)
    {
        string fix = $"restore it or {Restart}";
        byte[] bytes = RegularFile.ReadAllBytes(path, MaximumBytes(spec), fix);
        var file = SectionFileReader.Open(bytes, Kind, $"checkpoint '{path}'", fix, versionFix: Restart);
        if (file.Read(PersistedSections.Configuration, reader => reader.ReadString()) != spec.ConfigHash())
            throw new InputException($"checkpoint '{path}' was written for a different configuration of run '{spec.Name}': restore that configuration or {Restart}");
        return file;
    }
}
