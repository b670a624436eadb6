namespace RnnPipeline.IO;

/// <summary>
/// The one binary container of RnnPipeline's persisted files (checkpoint, char-RNN model, char-RNN featurizer): the magic
/// <see cref="Magic"/>, the file's kind, <see cref="FormatVersion"/>, then named sections (each its name, its length in
/// bytes and its payload), then the SHA-256 of every byte before it. A reader looks a section up by its name
/// (<see cref="SectionFileReader"/>), so a reader that needs the model never knows what a checkpoint holds besides it, and
/// a section that is added later does not move any other. Strings are written as <see cref="BinaryWriter"/> writes them
/// (7-bit length prefix, UTF-8), numbers little-endian. The layout is documented in docs/operations.md.
/// </summary>
public static class SectionFile
{
    /// <summary>The first string of every container; the files of earlier versions began with "RNNPIPELINE-" and a name.</summary>
    public const string Magic = "RNNPIPELINE";

    /// <summary>
    /// Version of the container and of the payload of every section. A reader refuses another version, never guesses;
    /// a section whose payload changes meaning gets the next version.
    /// </summary>
    public const int FormatVersion = 1;

    /// <summary>Bytes of the SHA-256 that ends the file.</summary>
    public const int HashBytes = 32;

    /// <summary>
    /// The first string of <paramref name="bytes"/> as <see cref="BinaryWriter"/> writes strings, or null when they do not
    /// begin with one: the magic, which tells a container from the files of earlier versions.
    /// </summary>
    public static string? LeadingString(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), System.Text.Encoding.UTF8);
        try
        {
            return reader.ReadString();
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException)
        {
            return null;
        }
    }
}
