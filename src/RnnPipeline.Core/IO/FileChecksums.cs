using System.Security.Cryptography;

namespace RnnPipeline.IO;

/// <summary>
/// SHA-256 checksums of committed files, one <c>SHA256SUMS</c> file per folder in the format of GNU <c>sha256sum</c>
/// (<c>&lt;hex&gt;  &lt;name&gt;</c>), so <c>sha256sum -c SHA256SUMS</c> checks a folder by hand too. While a commit is
/// renaming files into place a name may be listed twice (its old and its new content); either one is intact.
/// </summary>
/// <remarks>
/// SHA-256 rather than a CRC: it ships with .NET (no package in Core), detects every kind of damage (bit flips,
/// overwritten blocks, truncation, a file swapped for another) and hashes at hundreds of MB/s, far faster than the
/// files are written.
/// </remarks>
public static class FileChecksums
{
    /// <summary>Name of the checksum file in each folder.</summary>
    public const string FileName = "SHA256SUMS";

    /// <summary>Hex SHA-256 of a file's content.</summary>
    public static string Hash(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>
    /// Largest checksum file read (1 MiB): a folder of the worker lists a few dozen files, each on a line of 66 characters
    /// and its name.
    /// </summary>
    public const long MaximumListBytes = 1 << 20;

    /// <summary>
    /// Checks <paramref name="path"/> against the checksums of its folder. Both files are read only as
    /// <see cref="RegularFile"/> allows: regular files within their size bound, checked before a byte is hashed.
    /// </summary>
    /// <param name="path">The file to check.</param>
    /// <param name="fix">What the user should do when it is damaged, e.g. "start the run again without --resume".</param>
    /// <param name="maximumBytes">The largest size a file of its kind can have.</param>
    /// <exception cref="InputException">
    /// The file or its folder's checksum file is missing, not a regular file or too large, or the content does not match.
    /// </exception>
    public static void Verify(string path, string fix, long maximumBytes)
    {
        string full = Path.GetFullPath(path);
        var sums = Read(Path.GetDirectoryName(full)!, fix);
        string name = Path.GetFileName(full);
        if (!sums.TryGetValue(name, out var accepted))
            throw new InputException($"'{full}' is not listed in {FileName} beside it, so it cannot be checked: {fix}");
        if (!File.Exists(full) && !Directory.Exists(full))
            throw new InputException($"'{full}' is missing (it is listed in {FileName}): {fix}");
        string hash;
        using (var stream = RegularFile.OpenRead(full, maximumBytes, fix)) hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        if (!accepted.Contains(hash))
            throw new InputException($"'{full}' is damaged or truncated: its SHA-256 does not match the one recorded in {FileName} when it was written: {fix}");
    }

    /// <summary>Whether <paramref name="path"/> is listed in the checksum file of its folder (whether or not it exists).</summary>
    public static bool IsListed(string path)
    {
        string full = Path.GetFullPath(path);
        return ReadOrEmpty(Path.GetDirectoryName(full)!).ContainsKey(Path.GetFileName(full));
    }

    /// <summary>
    /// True when a commit into <paramref name="folder"/> was interrupted: a file is listed with two contents, so the
    /// folder may hold a mix of old and new files (each intact).
    /// </summary>
    public static bool HasInterruptedCommit(string folder) => ReadOrEmpty(folder).Values.Any(h => h.Distinct().Count() > 1);

    /// <summary>
    /// The accepted hashes per file name of <paramref name="folder"/>; empty when it has no readable checksum file
    /// (then the files it would have listed stay unlisted, and checking them fails).
    /// </summary>
    internal static Dictionary<string, List<string>> ReadOrEmpty(string folder)
    {
        try
        {
            return Read(folder, "");
        }
        catch (InputException)
        {
            return new Dictionary<string, List<string>>(StringComparer.Ordinal);
        }
    }

    /// <summary>Writes the checksum file of <paramref name="folder"/> atomically, names sorted.</summary>
    internal static void Write(string folder, Dictionary<string, List<string>> sums) =>
        AtomicFile.WriteAllText(Path.Combine(folder, FileName), string.Concat(
            sums.OrderBy(s => s.Key, StringComparer.Ordinal).SelectMany(s => s.Value.Distinct().Select(h => $"{h}  {s.Key}\n"))));

    private static Dictionary<string, List<string>> Read(string folder, string fix)
    {
        string file = Path.Combine(folder, FileName);
        if (!File.Exists(file) && !Directory.Exists(file))
            throw new InputException($"'{folder}' has no {FileName}, so its files cannot be checked (written by an older version, or never completed): {fix}");
        var sums = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        using var lines = new StringReader(RegularFile.ReadAllText(file, MaximumListBytes, fix));
        while (lines.ReadLine() is { } line)
        {
            // "<64 hex>  <name>" (text mode) or "<64 hex> *<name>" (binary mode), as sha256sum writes them.
            if (line.Length < 67 || line[64] != ' ' || line[65] is not (' ' or '*') || !line[..64].All(char.IsAsciiHexDigit))
                throw new InputException($"'{file}' is damaged (line '{line}' is not '<sha256>  <file>'): {fix}");
            string name = line[66..];
            if (!sums.TryGetValue(name, out var hashes)) sums[name] = hashes = [];
            hashes.Add(line[..64].ToLowerInvariant());
        }
        return sums;
    }
}
