using System.Runtime.InteropServices;

namespace RnnPipeline.Tests.Worker;

/// <summary>
/// A folder in which nobody can create a file, root included: the file system's immutable flag (FS_IMMUTABLE_FL, what
/// <c>chattr +i</c> sets; root holds CAP_LINUX_IMMUTABLE), or, for a user without that capability, mode 0555. A read-only
/// mode alone would not do for root, which writes through permissions. Cleared again on dispose.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed partial class ImmutableFolder : IDisposable
{
    private const uint GetFlags = 0x80086601, SetFlags = 0x40086602;          // FS_IOC_GETFLAGS, FS_IOC_SETFLAGS
    private const int Immutable = 0x10;                                     // FS_IMMUTABLE_FL
    private readonly string _path;
    private readonly bool _flagged;

    public ImmutableFolder(string path)
    {
        _path = path;
        _flagged = SetImmutable(path, true);
        if (!_flagged) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        // The premise of every test that uses it: creating a file there fails (else the test would prove nothing).
        Assert.ThrowsAny<Exception>(() => File.Create(Path.Combine(path, "probe")).Dispose());
    }

    public void Dispose()
    {
        if (_flagged) SetImmutable(_path, false);
        else File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static bool SetImmutable(string path, bool on)
    {
        int fd = Open(path, 0x10000);                                        // O_RDONLY | O_DIRECTORY
        if (fd < 0) return false;
        try
        {
            int flags = 0;
            if (Ioctl(fd, GetFlags, ref flags) != 0) return false;
            flags = on ? flags | Immutable : flags & ~Immutable;
            return Ioctl(fd, SetFlags, ref flags) == 0;
        }
        finally
        {
            Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "ioctl")]
    private static partial int Ioctl(int fd, uint request, ref int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
