using System.Security.Cryptography;
using RnnPipeline.IO;

namespace RnnPipeline.Tests.Core.IO;

/// <summary>The container of every persisted file: sections by name, and every way a file can be unusable refused naming it.</summary>
public sealed class SectionFileTests
{
    private const string Name = "file 'x.bin'", Fix = "write it again";

    private static byte[] Written(Action<SectionFileWriter> sections, string kind = "thing")
    {
        var writer = new SectionFileWriter(kind);
        sections(writer);
        using var stream = new MemoryStream();
        writer.WriteTo(stream);
        return stream.ToArray();
    }

    private static byte[] TwoSections() => Written(file =>
    {
        file.Add("a", w => w.Write(7));
        file.Add("b/c", w => w.Write("text"));
    });

    private static string Refused(byte[] bytes, string kind = "thing") =>
        Assert.Throws<InputException>(() => SectionFileReader.Open(bytes, kind, Name, Fix, versionFix: "start again")).Message;

    /// <summary>The payload offset of <paramref name="section"/> in a container (header, then name, int64 length, payload per section).</summary>
    internal static int Offset(byte[] bytes, string section)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes));
        reader.ReadString();
        reader.ReadString();
        reader.ReadInt32();
        while (true)
        {
            string name = reader.ReadString();
            long length = reader.ReadInt64();
            if (name == section) return (int)reader.BaseStream.Position;
            reader.BaseStream.Position += length;
        }
    }

    /// <summary>Writes a SHA-256 trailer that matches <paramref name="bytes"/> (as a crafted file would have).</summary>
    internal static byte[] Resigned(byte[] bytes)
    {
        SHA256.HashData(bytes.AsSpan(0, bytes.Length - SectionFile.HashBytes)).CopyTo(bytes.AsSpan(bytes.Length - SectionFile.HashBytes));
        return bytes;
    }

    [Fact]
    public void Read_SectionsInAnyOrder_AreFoundByName()
    {
        var file = SectionFileReader.Open(TwoSections(), "thing", Name, Fix);
        Assert.Equal("text", file.Read("b/c", r => r.ReadString()));
        Assert.Equal(7, file.Read("a", r => r.ReadInt32()));
        Assert.Equal(["a", "b/c"], file.Sections);
        Assert.False(file.Contains("d"));
    }

    [Fact]
    public void Read_MissingSection_IsRefusedNamingIt()
    {
        var file = SectionFileReader.Open(TwoSections(), "thing", Name, Fix);
        var e = Assert.Throws<InputException>(() => file.Read("d", r => r.ReadInt32()));
        Assert.Contains("no section 'd'", e.Message);
        Assert.Contains(Name, e.Message);
    }

    [Fact]
    public void Read_ReaderShorterOrLongerThanTheSection_IsRefusedAsDamaged()
    {
        var file = SectionFileReader.Open(TwoSections(), "thing", Name, Fix);
        Assert.Contains("bytes more than its fields", Assert.Throws<InputException>(() => file.Read("a", r => r.ReadInt16())).Message);
        Assert.Contains("ends before its fields do", Assert.Throws<InputException>(() => file.Read("a", r => r.ReadInt64())).Message);
    }

    [Fact]
    public void Open_AnyByteChanged_IsRefusedByTheChecksum()
    {
        byte[] bytes = TwoSections();
        bytes[Offset(bytes, "a")] ^= 1;
        Assert.Contains("SHA-256", Refused(bytes));
    }

    [Fact]
    public void Open_OtherKind_IsRefusedNamingBoth()
    {
        Assert.Contains("is an RnnPipeline thing, not a checkpoint", Refused(TwoSections(), kind: "checkpoint"));
    }

    [Fact]
    public void Open_OtherFormatVersion_IsRefusedWithTheVersionFix()
    {
        byte[] bytes = TwoSections();
        int versionAt = 1 + SectionFile.Magic.Length + 1 + "thing".Length;
        Assert.Equal(SectionFile.FormatVersion, BitConverter.ToInt32(bytes, versionAt));
        BitConverter.GetBytes(SectionFile.FormatVersion + 1).CopyTo(bytes, versionAt);
        string message = Refused(Resigned(bytes));
        Assert.Contains($"format version {SectionFile.FormatVersion + 1}, this version of RnnPipeline reads {SectionFile.FormatVersion}", message);
        Assert.EndsWith("start again", message);
    }

    [Fact]
    public void Open_FileOfAnEarlierVersion_IsRefusedAsWrittenByAnOlderVersion()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write("RNNPIPELINE-CHECKPOINT");
            writer.Write(2);
            writer.Write(new byte[100]);
        }
        string message = Refused(stream.ToArray());
        Assert.Contains("written by an older version of RnnPipeline", message);
        Assert.EndsWith("start again", message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(40)]
    public void Open_Truncated_IsRefused(int length)
    {
        Assert.Contains("truncated", Refused(TwoSections()[..length]));
    }

    [Fact]
    public void Open_SectionLengthPastTheEnd_IsRefusedAsDamaged()
    {
        byte[] bytes = TwoSections();
        BitConverter.GetBytes(1L << 40).CopyTo(bytes, Offset(bytes, "b/c") - sizeof(long));
        Assert.Contains("runs past the end", Refused(Resigned(bytes)));
    }

    [Fact]
    public void Add_SameNameTwice_Throws()
    {
        var file = new SectionFileWriter("thing");
        file.Add("a", w => w.Write(1));
        Assert.Throws<ArgumentException>(() => file.Add("a", w => w.Write(2)));
    }
}
