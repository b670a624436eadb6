using System.Text;
using RnnPipeline.IO;
using static RnnPipeline.Tests.Core.IO.SpecialFiles;

namespace RnnPipeline.Tests.Core.IO;

/// <summary>The one rule for files read from run folders and model paths: regular files within a bound, or a refusal that names them.</summary>
public sealed class RegularFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnpipeline-regular-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    [Theory]
    [InlineData(Kind.Fifo)]
    [InlineData(Kind.DevZeroLink)]
    [InlineData(Kind.Oversized)]
    public void ReadAllBytes_SpecialOrOversizedFile_IsRefusedWithoutReadingIt_NamingTheFileAndTheFix(Kind kind)
    {
        string path = PathOf("file");
        Plant(path, kind, 1000);
        var error = Refused(() => RegularFile.ReadAllBytes(path, 1000, "do this"));
        Assert.Contains(path, error.Message);
        Assert.Contains(Refusal(kind, 1000), error.Message);
        Assert.EndsWith(": do this", error.Message);
    }

    [Fact]
    public void OpenRead_FifoHashed_IsRefusedBeforeAByteIsHashed()
    {
        File.WriteAllText(PathOf("a.txt"), "alpha");
        string sums = PathOf(FileChecksums.FileName);
        File.WriteAllText(sums, $"{new string('0', 64)}  a.txt\n");
        Plant(PathOf("a.txt"), Kind.Fifo, 0);
        Assert.Contains("not a regular file", Refused(() => FileChecksums.Verify(PathOf("a.txt"), "fix", 1000)).Message);
        Plant(sums, Kind.DevZeroLink, 0);
        Assert.Contains(sums, Refused(() => FileChecksums.Verify(PathOf("a.txt"), "fix", 1000)).Message);
    }

    [Fact]
    public void ReadAllText_RegularFileAtTheBound_IsRead_AndALinkToOneIsFollowed()
    {
        File.WriteAllText(PathOf("ok.txt"), "héllo", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        long length = new FileInfo(PathOf("ok.txt")).Length;
        Assert.Equal("héllo", RegularFile.ReadAllText(PathOf("ok.txt"), length, "fix"));
        File.CreateSymbolicLink(PathOf("link.txt"), PathOf("ok.txt"));
        Assert.Equal("héllo", RegularFile.ReadAllText(PathOf("link.txt"), length, "fix"));
        Assert.Contains($"limit of {length - 1}", Refused(() => RegularFile.ReadAllText(PathOf("ok.txt"), length - 1, "fix")).Message);
    }

    [Fact]
    public void OpenRead_MissingFileOrFolder_IsRefusedByName()
    {
        Assert.Contains("does not exist", Refused(() => RegularFile.OpenRead(PathOf("none"), 10, "fix").Dispose()).Message);
        Assert.Contains("not a regular file", Refused(() => RegularFile.OpenRead(_folder, 10, "fix").Dispose()).Message);
    }
}
