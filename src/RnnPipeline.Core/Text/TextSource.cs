using System.Text;

namespace RnnPipeline.Text;

/// <summary>Loads training text and rejects files a character model cannot use, with one actionable line.</summary>
public static class TextSource
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads a UTF-8 text file (a leading BOM is dropped).</summary>
    /// <exception cref="InputException">The file is missing, empty, binary or not valid UTF-8.</exception>
    public static string LoadUtf8(string path)
    {
        if (!File.Exists(path))
            throw new InputException($"text file '{path}' does not exist: check Corpus.Path (relative paths resolve against the suite file's folder)");
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length == 0)
            throw new InputException($"text file '{path}' is empty: give a UTF-8 text with at least a few thousand characters");
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
}
