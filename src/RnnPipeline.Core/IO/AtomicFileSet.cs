namespace RnnPipeline.IO;

/// <summary>
/// Files written as one unit, each atomically and listed with its SHA-256 in its folder's <see cref="FileChecksums"/>.
/// <see cref="Write"/> stages a file under a temporary name; <see cref="Commit"/> renames the staged files into place
/// in the order they were staged; <see cref="IDisposable.Dispose"/> deletes whatever was staged and not committed.
/// </summary>
/// <remarks>
/// A process killed at any moment leaves every file intact by its checksums: before the first rename each folder's
/// checksum file lists the new content beside the old one, and only after the last rename does it drop the old one.
/// Which files are new and which still old is up to the caller's staging order (e.g. results before the checkpoint
/// they extend, so an interrupted commit resumes from the older checkpoint and drops the newer rows).
/// </remarks>
public sealed class AtomicFileSet : IDisposable
{
    private readonly List<Staged> _staged = [];

    /// <summary>Stages <paramref name="path"/> with the content <paramref name="write"/> produces.</summary>
    public void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        if (_staged.Any(s => s.Target == full)) throw new InvalidOperationException($"'{full}' is already staged");
        var staged = new Staged(full, AtomicFile.TempPath(full));
        _staged.Add(staged);
        AtomicFile.WriteNew(staged.Temp, write);
        staged.Hash = FileChecksums.Hash(staged.Temp);
    }

    /// <summary>Stages UTF-8 text.</summary>
    public void WriteAllText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s, leaveOpen: true); w.Write(text); });

    /// <summary>Renames every staged file into place and records its checksum.</summary>
    public void Commit()
    {
        var folders = _staged.Select(s => s.Folder).Distinct().ToDictionary(f => f, FileChecksums.ReadOrEmpty);
        foreach (var s in _staged)
            folders[s.Folder][s.Name] = [.. folders[s.Folder].GetValueOrDefault(s.Name) ?? [], s.Hash!];
        foreach (var (folder, sums) in folders) FileChecksums.Write(folder, sums);

        foreach (var s in _staged)
        {
            File.Move(s.Temp, s.Target, overwrite: true);
            s.Committed = true;
        }

        foreach (var s in _staged) folders[s.Folder][s.Name] = [s.Hash!];
        foreach (var (folder, sums) in folders) FileChecksums.Write(folder, sums);
    }

    /// <summary>Deletes the temporary files of everything not committed.</summary>
    public void Dispose()
    {
        foreach (var s in _staged.Where(s => !s.Committed)) File.Delete(s.Temp);
    }

    private sealed class Staged(string target, string temp)
    {
        public string Target { get; } = target;
        public string Temp { get; } = temp;
        public string Folder => Path.GetDirectoryName(Target)!;
        public string Name => Path.GetFileName(Target);
        public string? Hash { get; set; }
        public bool Committed { get; set; }
    }
}
