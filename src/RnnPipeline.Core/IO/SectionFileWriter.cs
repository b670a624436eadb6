using System.Security.Cryptography;

namespace RnnPipeline.IO;

/// <summary>Builds a <see cref="SectionFile"/> in memory, section by section, and writes it with its SHA-256.</summary>
/// <param name="kind">What the file is, e.g. "checkpoint"; a reader refuses a file of another kind.</param>
public sealed class SectionFileWriter(string kind)
{
    private readonly MemoryStream _buffer = Header(kind);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>Appends section <paramref name="name"/> whose payload <paramref name="write"/> writes.</summary>
    /// <exception cref="ArgumentException">A section of that name was added already.</exception>
    public void Add(string name, Action<BinaryWriter> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(write);
        if (!_names.Add(name)) throw new ArgumentException($"section '{name}' was added twice", nameof(name));
        using var writer = new BinaryWriter(_buffer, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(name);
        long lengthAt = _buffer.Position;
        writer.Write(0L);
        write(writer);
        writer.Flush();
        long end = _buffer.Position;
        _buffer.Position = lengthAt;
        writer.Write(end - lengthAt - sizeof(long));
        writer.Flush();
        _buffer.Position = end;
    }

    /// <summary>Writes the file (header, sections, SHA-256) to <paramref name="stream"/>.</summary>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var content = _buffer.GetBuffer().AsSpan(0, (int)_buffer.Length);
        stream.Write(content);
        stream.Write(SHA256.HashData(content));
    }

    private static MemoryStream Header(string kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        var buffer = new MemoryStream();
        using var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(SectionFile.Magic);
        writer.Write(kind);
        writer.Write(SectionFile.FormatVersion);
        return buffer;
    }
}
