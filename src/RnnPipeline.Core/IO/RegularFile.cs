using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace RnnPipeline.IO;

/// <summary>
/// The one rule for every file read from a run folder, a model path or a suite: only a regular file is read (a link to
/// one is followed), and only when its size is within the bound the caller gives for that kind of file. A pipe, a device,
/// a socket or a folder is refused without waiting for it and without reading a byte of it, and an oversized file
/// (sparse ones included) is refused by its length before it is read or hashed. Every refusal is an
/// <see cref="InputException"/> naming the file and the caller's fix.
/// </summary>
/// <remarks>
/// On Linux the file is opened with <c>O_NONBLOCK</c> (opening a FIFO for reading would otherwise wait for a writer
/// forever) and its type and size are taken from <c>fstat</c> of that open descriptor, so what is checked is what is read;
/// elsewhere they are checked by path before the file is opened.
/// </remarks>
public static partial class RegularFile
{
    private const int S_IFMT = 0xF000, S_IFREG = 0x8000, ENOENT = 2, ENOTDIR = 20, EACCES = 13, EISDIR = 21, F_SETFL = 4;

    /// <summary>Opens <paramref name="path"/> for reading after checking that it is a regular file of at most <paramref name="maximumBytes"/> bytes.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maximumBytes">The largest size a file of its kind can have.</param>
    /// <param name="fix">What the user should do when it is refused, e.g. "restore it, or train the run again".</param>
    /// <exception cref="InputException">The file is missing, not a regular file, larger than the bound or unreadable.</exception>
    public static FileStream OpenRead(string path, long maximumBytes, string fix)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maximumBytes);
        string full = Path.GetFullPath(path.Contains('\0') ? throw new InputException($"path '{path.Replace("\0", "\\0", StringComparison.Ordinal)}' contains a NUL character: {fix}") : path);
        var (stream, length) = OperatingSystem.IsLinux() && StatOffsets() is not null ? OpenNonBlocking(full, fix) : OpenManaged(full, fix);
        if (length > maximumBytes)
        {
            stream.Dispose();
            throw new InputException($"'{full}' has {length} bytes, more than the limit of {maximumBytes} for a file of its kind: {fix}");
        }
        return stream;
    }

    /// <summary>The content of <paramref name="path"/>, checked as <see cref="OpenRead"/> checks it (at most <paramref name="maximumBytes"/> + 1 bytes are ever read).</summary>
    /// <exception cref="InputException">As <see cref="OpenRead"/>, or the file grew while it was read.</exception>
    public static byte[] ReadAllBytes(string path, long maximumBytes, string fix)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maximumBytes, Array.MaxLength - 1);
        using var stream = OpenRead(path, maximumBytes, fix);
        string full = Path.GetFullPath(path);                                   // a stream opened from a descriptor has no name of its own
        long length = stream.Length;
        var buffer = new byte[length + 1];
        int total = 0, read;
        try
        {
            while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0) total += read;
        }
        catch (IOException e)
        {
            throw new InputException($"'{full}' cannot be read ({e.Message.TrimEnd('.')}): {fix}");
        }
        if (total > length)
            throw new InputException($"'{full}' grew while it was read: {fix}");
        return buffer[..total];
    }

    /// <summary>The UTF-8 text of <paramref name="path"/> (a leading BOM is dropped), checked as <see cref="ReadAllBytes"/> checks it.</summary>
    /// <exception cref="InputException">As <see cref="ReadAllBytes"/>.</exception>
    public static string ReadAllText(string path, long maximumBytes, string fix)
    {
        byte[] bytes = ReadAllBytes(path, maximumBytes, fix);
        int skip = bytes.AsSpan().StartsWith(System.Text.Encoding.UTF8.Preamble) ? 3 : 0;
        return System.Text.Encoding.UTF8.GetString(bytes, skip, bytes.Length - skip);
    }

    private static (FileStream Stream, long Length) OpenNonBlocking(string full, string fix)
    {
        // O_RDONLY | O_NONBLOCK | O_CLOEXEC (the same values on x86-64 and arm64); O_NONBLOCK does nothing to regular files.
        int fd = Open(full, 0x800 | 0x80000);
        if (fd < 0) throw Unopenable(full, Marshal.GetLastPInvokeError(), fix);
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            var (mode, size) = Stat(fd) ?? throw new InputException($"'{full}' cannot be examined (errno {Marshal.GetLastPInvokeError()}): {fix}");
            if ((mode & S_IFMT) != S_IFREG) throw NotRegular(full, fix);
            if (Fcntl(fd, F_SETFL, 0) != 0)                                        // blocking again: a plain read from here on
                throw new InputException($"'{full}' cannot be read (errno {Marshal.GetLastPInvokeError()}): {fix}");
            return (new FileStream(handle, FileAccess.Read, 1 << 16), size);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static (FileStream Stream, long Length) OpenManaged(string full, string fix)
    {
        if (Directory.Exists(full)) throw NotRegular(full, fix);
        if (!File.Exists(full)) throw new InputException($"'{full}' does not exist: {fix}");
        var info = new FileInfo(full);
        if ((info.Attributes & FileAttributes.Device) != 0) throw NotRegular(full, fix);
        try
        {
            return (new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), info.Length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"'{full}' cannot be read ({e.Message.TrimEnd('.')}): {fix}");
        }
    }

    private static InputException NotRegular(string full, string fix) =>
        new($"'{full}' is not a regular file (a folder, pipe, device or socket), so it is not read: {fix}");

    private static InputException Unopenable(string full, int errno, string fix) => errno switch
    {
        ENOENT or ENOTDIR => new InputException($"'{full}' does not exist: {fix}"),
        EISDIR => NotRegular(full, fix),
        EACCES => new InputException($"'{full}' cannot be read (permission denied): check its permissions, or {fix}"),
        _ => new InputException($"'{full}' cannot be opened (errno {errno}): {fix}"),
    };

    /// <summary>Offsets of st_mode and st_size in glibc's struct stat on the architectures whose layout is known, else null.</summary>
    private static (int Mode, int Size)? StatOffsets() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => (24, 48),
        Architecture.Arm64 => (16, 48),
        _ => null,
    };

    /// <summary>st_mode and st_size of an open descriptor, or null when fstat fails.</summary>
    private static (uint Mode, long Size)? Stat(int fd)
    {
        var (modeAt, sizeAt) = StatOffsets()!.Value;
        var buffer = new byte[256];
        if (Fstat(fd, buffer) != 0) return null;
        return (BitConverter.ToUInt32(buffer, modeAt), BitConverter.ToInt64(buffer, sizeAt));
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "fstat", SetLastError = true)]
    private static partial int Fstat(int fd, [Out] byte[] buffer);
}
