using System.Text;

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
    /// Reads a UTF-8 text file (a leading BOM is dropped). Only regular files are opened: a folder, a pipe or a device
    /// (whose size the file system reports as 0) is refused before anything is read, and at most
    /// <see cref="MaximumBytes"/> + 1 bytes are ever read.
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
        long length = new FileInfo(path).Length;
        if (length == 0)
            throw new InputException($"text file '{path}' is empty or not a regular file (a pipe or device): give a UTF-8 text with at least a few thousand characters");
        if (length > MaximumBytes)
            throw new InputException($"text file '{path}' has {length} bytes, more than the limit of {MaximumBytes}: train on a shorter excerpt");
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var buffer = new byte[(int)Math.Min(length, MaximumBytes) + 1];
            int total = 0, read;
            while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0) total += read;
            if (total > MaximumBytes)
                throw new InputException($"text file '{path}' has more than {MaximumBytes} bytes (the limit): train on a shorter excerpt");
            if (total > length)
                throw new InputException($"text file '{path}' grew while it was read: train on a copy that is not being written");
            return buffer[..total];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"text file '{path}' cannot be read ({e.Message.TrimEnd('.')}): check its permissions, or {fix}");
        }
    }
}
