using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace RnnPipeline.Worker.Jobs;

/// <summary>
/// Opens a lock file without following links: on Linux with <c>O_NOFOLLOW</c>, then refused unless it is a regular file
/// with one link (a planted symbolic or hard link would otherwise have its target written and truncated), then locked
/// with <c>flock</c> (exclusive for a writer, shared for readers; the kernel drops it when the process ends).
/// Elsewhere the link is checked by path and the lock is .NET's own (<see cref="FileShare"/>).
/// </summary>
internal static partial class LockFile
{
    private const int ELOOP = 40, EWOULDBLOCK = 11;
    private const int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4;

    /// <summary>The open, locked file, or null when another process holds a conflicting lock.</summary>
    /// <exception cref="InputException">The path is a link or not a regular file.</exception>
    public static FileStream? TryOpen(string path, bool shared)
    {
        if (new FileInfo(path).LinkTarget is not null) throw NotPlain(path, "is a symbolic link");
        if (!OperatingSystem.IsLinux() || OpenFlags() is not { } flags) return TryOpenManaged(path, shared);

        int fd = Open(path, flags, Convert.ToInt32("644", 8));
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == ELOOP) throw NotPlain(path, "is a symbolic link");
            throw new IOException($"cannot open '{path}' (errno {errno})");
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            var (mode, links) = Stat(fd);
            if ((mode & 0xF000) != 0x8000) throw NotPlain(path, "is not a regular file");
            if (links != 1) throw NotPlain(path, $"has {links} hard links");
            if (Flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0)
            {
                if (Marshal.GetLastPInvokeError() == EWOULDBLOCK) { handle.Dispose(); return null; }
                throw new IOException($"cannot lock '{path}' (errno {Marshal.GetLastPInvokeError()})");
            }
            return new FileStream(handle, FileAccess.ReadWrite);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static FileStream? TryOpenManaged(string path, bool shared)
    {
        try
        {
            return shared
                ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read)
                : new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (File.Exists(path))
        {
            return null;
        }
    }

    private static InputException NotPlain(string path, string problem) =>
        new($"lock file '{path}' {problem}: a lock file must be a plain file of its own; delete it (no process is using it then), or write to another --output");

    /// <summary>O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC for the architectures whose values are known, else null.</summary>
    private static int? OpenFlags() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 0x2 | 0x40 | 0x20000 | 0x80000,
        Architecture.Arm64 => 0x2 | 0x40 | 0x8000 | 0x80000,
        _ => null,
    };

    /// <summary>st_mode and st_nlink from fstat (struct stat of glibc on x86-64 and arm64).</summary>
    private static (uint Mode, ulong Links) Stat(int fd)
    {
        var buffer = new byte[256];
        if (Fstat(fd, buffer) != 0) throw new IOException($"cannot stat a lock file (errno {Marshal.GetLastPInvokeError()})");
        return RuntimeInformation.ProcessArchitecture == Architecture.X64
            ? (BitConverter.ToUInt32(buffer, 24), BitConverter.ToUInt64(buffer, 16))
            : (BitConverter.ToUInt32(buffer, 16), BitConverter.ToUInt32(buffer, 20));
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "fstat", SetLastError = true)]
    private static partial int Fstat(int fd, [Out] byte[] buffer);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);
}
