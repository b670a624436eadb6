using System.Diagnostics;
using System.Globalization;
using RnnPipeline.IO;

namespace RnnPipeline.Worker.Jobs;

/// <summary>
/// One process at a time per run folder: <c>&lt;run&gt;/run.lock</c>, opened with <see cref="FileShare.None"/> and held
/// until the process is done with the run. .NET takes that as an OS lock (<c>flock</c> on Linux and macOS, a sharing
/// lock on Windows), which the kernel drops when the process ends in any way, kill -9 included: a stale lock cannot
/// exist, so there is nothing to detect or break. Shards writing disjoint runs into one suite folder lock disjoint
/// files. The file's text names the holder for people (<c>cat run.lock</c>); text left behind means the previous holder
/// was killed, and its half-written temporary files are deleted when the next process takes the folder.
/// </summary>
internal sealed class RunLock : IDisposable
{
    /// <summary>Name of the lock file in a run folder.</summary>
    public const string FileName = "run.lock";

    private readonly FileStream _stream;

    private readonly bool _shared;

    private RunLock(FileStream stream, string? previousHolder, bool shared) => (_stream, PreviousHolder, _shared) = (stream, previousHolder, shared);

    /// <summary>Who held the folder last and ended without releasing it (killed), or null.</summary>
    public string? PreviousHolder { get; }

    /// <summary>Takes the lock of <paramref name="runFolder"/> (created if needed) for <paramref name="purpose"/>.</summary>
    /// <exception cref="InputException">Another process holds it.</exception>
    public static RunLock Acquire(string runFolder, string purpose) =>
        TryAcquire(runFolder, purpose) ?? throw new InputException(
            $"run folder '{runFolder}' is in use by another RnnPipeline process (its {FileName} is locked and names the process): wait for that process to finish or stop it, or write to another --output");

    /// <summary>
    /// Takes the lock of <paramref name="runFolder"/> (created if needed), or returns null when another process holds it.
    /// A <paramref name="shared"/> lock is a reader's: readers share the folder, a writer excludes them all; a reader
    /// writes nothing into the lock file and deletes nothing. The lock file is never opened through a link (see <see cref="LockFile"/>).
    /// </summary>
    /// <exception cref="InputException">The lock file is a symbolic or hard link, or not a regular file.</exception>
    public static RunLock? TryAcquire(string runFolder, string purpose, bool shared = false)
    {
        Directory.CreateDirectory(runFolder);
        string path = Path.Combine(runFolder, FileName);
        if (LockFile.TryOpen(path, shared) is not { } stream) return null;
        if (shared) return new RunLock(stream, null, shared: true);
        try
        {
            string previous = new StreamReader(stream, leaveOpen: true).ReadToEnd().Trim();
            using var process = Process.GetCurrentProcess();
            Write(stream, string.Create(CultureInfo.InvariantCulture,
                $"process {Environment.ProcessId} on {Environment.MachineName}, started {process.StartTime.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC, {purpose}\n"));
            AtomicFile.DeleteLeftovers(runFolder);
            foreach (string sub in Directory.EnumerateDirectories(runFolder)) AtomicFile.DeleteLeftovers(sub);
            return new RunLock(stream, previous.Length > 0 ? previous : null, shared: false);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Empties the file (the folder is no longer in use; a writer's lock only) and releases the lock.</summary>
    public void Dispose()
    {
        if (!_shared) _stream.SetLength(0);
        _stream.Dispose();
    }

    private static void Write(FileStream stream, string text)
    {
        stream.SetLength(0);
        stream.Position = 0;
        stream.Write(System.Text.Encoding.UTF8.GetBytes(text));
        stream.Flush(flushToDisk: true);
    }
}
