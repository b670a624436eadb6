using System.Security.Cryptography;
using System.Text;
using RnnPipeline.Worker.Suites;

namespace RnnPipeline.Worker.Jobs;

/// <summary>
/// One suite per suite folder at a time: every process that trains into or reports from a suite folder holds a shared
/// lock on <c>.suite-&lt;fingerprint&gt;.lock</c>, where the fingerprint hashes the names and configuration hashes of
/// the suite's runs. Processes of the same suite (shards, reports) share it; a process whose suite has the same name but
/// other runs or settings finds another fingerprint's file locked and is refused, instead of mixing two suites' runs,
/// plots and report in one folder. Files left by processes that ended are unlocked and are deleted by the next process.
/// When two different suites start at the same moment both may be refused; neither writes.
/// </summary>
internal sealed class SuiteLock : IDisposable
{
    private const string Prefix = ".suite-", Suffix = ".lock";

    private readonly FileStream _stream;
    private readonly string _path;

    private SuiteLock(FileStream stream, string path) => (_stream, _path) = (stream, path);

    /// <summary>Takes the shared lock of <paramref name="suite"/>'s fingerprint in <paramref name="suiteFolder"/>.</summary>
    /// <exception cref="InputException">A process of another suite with the same name uses the folder.</exception>
    public static SuiteLock Acquire(Suite suite, string suiteFolder)
    {
        string own = Path.Combine(suiteFolder, Prefix + Fingerprint(suite) + Suffix);
        var stream = LockFile.TryOpen(own, shared: true)
            ?? throw new InputException($"suite folder '{suiteFolder}' is locked by a process that is checking it for another suite: try again in a moment");
        try
        {
            foreach (string other in Directory.EnumerateFiles(suiteFolder, Prefix + "*" + Suffix).Where(f => f != own))
            {
                using var stale = LockFile.TryOpen(other, shared: false);
                if (stale is null)
                    throw new InputException(
                        $"suite folder '{suiteFolder}' is in use by another process running a suite named '{suite.Name}' with other runs or settings: " +
                        "wait for it to finish, give this suite another Name, or write to another --output");
                File.Delete(other);                                      // its process has ended
            }
            return new SuiteLock(stream, own);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>First 12 hex digits of the SHA-256 of the suite's run names and configuration hashes, in order.</summary>
    public static string Fingerprint(Suite suite) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(suite.Runs.Select(r => $"{r.Name}={r.ConfigHash()}\n")))))[..12];

    /// <summary>Releases the lock, and deletes the file when no other process of the suite holds it.</summary>
    public void Dispose()
    {
        _stream.Dispose();
        try
        {
            using var last = LockFile.TryOpen(_path, shared: false);
            if (last is not null) File.Delete(_path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InputException)
        {
            // Tidying only: a file left behind is unlocked, and the next process of any suite deletes it.
        }
    }
}
