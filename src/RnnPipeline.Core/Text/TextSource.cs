using System.Text;
using RnnPipeline.IO;

namespace RnnPipeline.Text;

/// <summary>Loads training text and rejects files a character model cannot use, with one actionable line.</summary>
public static class TextSource
{
    /// <summary>
    /// Largest text file read, in bytes (100 MB, the size of the enwik8 benchmark text): the text is held in memory as
    /// UTF-16 and as one index per character, so a larger file would need gigabytes before training starts.
    /// </summary>
    public const long MaximumBytes = 100_000_000;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Reads a UTF-8 text file (a leading BOM is dropped). Only regular files are read (see <see cref="RegularFile"/>): a
    /// folder, a pipe or a device is refused before anything is read, and at most <see cref="MaximumBytes"/> + 1 bytes
    /// are ever read.
    /// </summary>
    /// <exception cref="InputException">The file is missing, not a regular file, unreadable, empty, too large, binary or not valid UTF-8.</exception>
    public static string LoadUtf8(string path)
    {
        byte[] bytes = ReadBounded(path);
        if (Array.IndexOf(bytes, (byte)0) >= 0)
            throw new InputException($"text file '{path}' contains NUL bytes and looks binary: give a UTF-8 text file");
        try
        {
            int skip = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? 3 : 0;
            return StrictUtf8.GetString(bytes, skip, bytes.Length - skip);
        }
        catch (DecoderFallbackException e)
        {
            throw new InputException($"text file '{path}' is not valid UTF-8 (bad byte at offset {e.Index}): re-save it as UTF-8");
        }
    }

    private static byte[] ReadBounded(string path)
    {
        const string fix = "check Corpus.Path (relative paths resolve against the suite file's folder)";
        if (path.Contains('\0'))
            throw new InputException($"text file path '{path.Replace("\0", "\\0", StringComparison.Ordinal)}' contains a NUL character: {fix}");
        if (Directory.Exists(path))
            throw new InputException($"text file '{path}' is a folder: name a UTF-8 text file in Corpus.Path");
        if (!File.Exists(path))
            throw new InputException($"text file '{path}' does not exist: {fix}");
        byte[] bytes = RegularFile.ReadAllBytes(path, MaximumBytes, "name a regular UTF-8 text file of at most 100 MB in Corpus.Path, or train on a shorter excerpt");
        if (bytes.Length == 0)
            throw new InputException($"text file '{path}' is empty: give a UTF-8 text with at least a few thousand characters");
        return bytes;
    }
}
