using System.Security.Cryptography;

namespace RnnPipeline.IO;

/// <summary>
/// A <see cref="SectionFile"/> checked whole before any section is read: magic, kind, format version, SHA-256 and the
/// section table (unique names, lengths inside the file). Sections are read by name; every refusal is an
/// <see cref="InputException"/> naming the file and the caller's fix.
/// </summary>
public sealed class SectionFileReader
{
    private readonly byte[] _bytes;
    private readonly Dictionary<string, (int Offset, int Length)> _sections;
    private readonly string _name, _fix;

    private SectionFileReader(byte[] bytes, Dictionary<string, (int Offset, int Length)> sections, string name, string fix) =>
        (_bytes, _sections, _name, _fix) = (bytes, sections, name, fix);

    /// <summary>Checks <paramref name="bytes"/> as a container of <paramref name="kind"/>.</summary>
    /// <param name="bytes">The whole file (read with <see cref="RegularFile"/> and its bound for this kind of file).</param>
    /// <param name="kind">The kind the file must be, as its writer named it.</param>
    /// <param name="name">What refusals call the file, e.g. "checkpoint '/runs/a/checkpoint.bin'".</param>
    /// <param name="fix">What refusals tell the user to do.</param>
    /// <param name="versionFix">What to do with a file of another format version (default: <paramref name="fix"/>), e.g. "train the run again".</param>
    /// <exception cref="InputException">
    /// The file is not a container (or one of an earlier version of RnnPipeline, whose files began with "RNNPIPELINE-"),
    /// is of another kind or format version, or is truncated or damaged.
    /// </exception>
    public static SectionFileReader Open(byte[] bytes, string kind, string name, string fix, string? versionFix = null)
    {
        versionFix ??= fix;
        ArgumentNullException.ThrowIfNull(bytes);
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), System.Text.Encoding.UTF8);
        try
        {
            string magic = reader.ReadString();
            if (magic != SectionFile.Magic)
                throw new InputException(magic.StartsWith(SectionFile.Magic + "-", StringComparison.Ordinal)
                    ? $"{name} was written by an older version of RnnPipeline (format '{magic}'), which this version does not read: {versionFix}"
                    : $"{name} is not an RnnPipeline {kind}: {fix}");
            string actual = reader.ReadString();
            if (actual != kind) throw new InputException($"{name} is an RnnPipeline {actual}, not a {kind}: {fix}");
            int version = reader.ReadInt32();
            if (version != SectionFile.FormatVersion)
                throw new InputException($"{name} has format version {version}, this version of RnnPipeline reads {SectionFile.FormatVersion}: {versionFix}");
            int content = bytes.Length - SectionFile.HashBytes;
            if (content < reader.BaseStream.Position || !SHA256.HashData(bytes.AsSpan(0, content)).AsSpan().SequenceEqual(bytes.AsSpan(content)))
                throw new InputException($"{name} is damaged or truncated (its SHA-256 does not match its content): {fix}");
            var sections = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
            while (reader.BaseStream.Position < content)
            {
                string section = reader.ReadString();
                long length = reader.ReadInt64();
                long offset = reader.BaseStream.Position;
                if (length < 0 || length > content - offset || !sections.TryAdd(section, ((int)offset, (int)length)))
                    throw new InputException($"{name} is damaged (its section '{section}' is repeated or runs past the end): {fix}");
                reader.BaseStream.Position = offset + length;
            }
            return new SectionFileReader(bytes, sections, name, fix);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException)
        {
            throw new InputException($"{name} is truncated or damaged: {fix}");
        }
    }

    /// <summary>The names of the file's sections, in file order.</summary>
    public IReadOnlyCollection<string> Sections => _sections.Keys;

    /// <summary>Whether the file has section <paramref name="section"/>.</summary>
    public bool Contains(string section) => _sections.ContainsKey(section);

    /// <summary>
    /// Reads section <paramref name="section"/> with <paramref name="read"/>, which must use all of its payload. Its
    /// <see cref="InputException"/>s pass through; running past the section's end, <see cref="InvalidDataException"/>,
    /// <see cref="FormatException"/>, <see cref="ArgumentException"/> and <see cref="OverflowException"/> become one
    /// naming the file and the section.
    /// </summary>
    /// <exception cref="InputException">The section is missing, shorter or longer than its reader, or its fields are out of range.</exception>
    public T Read<T>(string section, Func<BinaryReader, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (!_sections.TryGetValue(section, out var at))
            throw new InputException($"{_name} has no section '{section}' (it is damaged or was written by another version of RnnPipeline): {_fix}");
        using var reader = new BinaryReader(new MemoryStream(_bytes, at.Offset, at.Length, writable: false), System.Text.Encoding.UTF8);
        try
        {
            var value = read(reader);
            if (reader.BaseStream.Position == at.Length) return value;
            (value as IDisposable)?.Dispose();
            throw new InputException($"{_name} is damaged (its section '{section}' holds {at.Length - reader.BaseStream.Position} bytes more than its fields): {_fix}");
        }
        catch (EndOfStreamException)
        {
            throw new InputException($"{_name} is damaged (its section '{section}' ends before its fields do): {_fix}");
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or ArgumentException or OverflowException)
        {
            throw new InputException($"{_name} is damaged (section '{section}': {e.Message.TrimEnd('.')}): {_fix}");
        }
    }

    /// <summary>Reads section <paramref name="section"/> with <paramref name="read"/>, as <see cref="Read{T}"/> reads it.</summary>
    /// <exception cref="InputException">As <see cref="Read{T}"/>.</exception>
    public void Read(string section, Action<BinaryReader> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        Read(section, reader =>
        {
            read(reader);
            return 0;
        });
    }
}
