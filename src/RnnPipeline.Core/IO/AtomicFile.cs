namespace RnnPipeline.IO;

/// <summary>
/// Writes files atomically: content goes to a temporary file in the same folder, which is renamed over the target only
/// when complete, so a killed process never leaves a truncated artifact. Files that belong together (and carry
/// checksums) are written with <see cref="AtomicFileSet"/>.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>Ending of every temporary file name (a folder's single writer may delete leftovers of killed processes).</summary>
    public const string TempSuffix = ".tmp";

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>; the folder is created if needed.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string temp = TempPath(full);
        try
        {
            WriteNew(temp, write);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Writes UTF-8 text atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s, leaveOpen: true); w.Write(text); });

    /// <summary>
    /// Deletes temporary files that killed processes left in <paramref name="folder"/> (not in subfolders). Only for a
    /// folder this process is the single writer of: another writer's temporary files would be deleted too.
    /// </summary>
    public static void DeleteLeftovers(string folder)
    {
        if (!Directory.Exists(folder)) return;
        foreach (string file in Directory.EnumerateFiles(folder, "*" + TempSuffix))
            if (LeftoverName().IsMatch(Path.GetFileName(file))) File.Delete(file);
    }

    /// <summary>
    /// Deletes temporary files in <paramref name="folder"/> (not in subfolders) whose writing process, named in the file
    /// name, no longer runs on this machine: safe beside other live writers of the folder.
    /// </summary>
    public static void DeleteOrphans(string folder)
    {
        if (!Directory.Exists(folder)) return;
        foreach (string file in Directory.EnumerateFiles(folder, "*" + TempSuffix))
        {
            var match = LeftoverName().Match(Path.GetFileName(file));
            if (match.Success && int.TryParse(match.Groups["pid"].ValueSpan, out int pid) && !IsRunning(pid)) File.Delete(file);
        }
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>A unique temporary name beside <paramref name="full"/> (its folder is created if needed).</summary>
    internal static string TempPath(string full)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return $"{full}.{Environment.ProcessId}.{Guid.NewGuid():N}{TempSuffix}";
    }

    /// <summary>Creates <paramref name="temp"/>, writes it and flushes it to disk.</summary>
    internal static void WriteNew(string temp, Action<Stream> write)
    {
        using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        write(stream);
        stream.Flush(flushToDisk: true);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\.(?<pid>[0-9]+)\.[0-9a-f]{32}\.tmp$")]
    private static partial System.Text.RegularExpressions.Regex LeftoverName();
}
