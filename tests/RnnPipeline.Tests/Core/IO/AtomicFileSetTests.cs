using System.Security.Cryptography;
using System.Text;
using RnnPipeline.IO;

namespace RnnPipeline.Tests.Core.IO;

public sealed class AtomicFileSetTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnpipeline-files-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    private void Commit(params (string Name, string Text)[] files)
    {
        using var set = new AtomicFileSet();
        foreach (var (name, text) in files) set.WriteAllText(PathOf(name), text);
        set.Commit();
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void Commit_WritesFilesAndSha256SumsInSha256sumFormat()
    {
        Commit(("b.txt", "bravo"), ("a.txt", "alpha"));

        Assert.Equal("alpha", File.ReadAllText(PathOf("a.txt")));
        Assert.Equal([$"{Sha256("alpha")}  a.txt", $"{Sha256("bravo")}  b.txt"], File.ReadAllLines(PathOf(FileChecksums.FileName)));
        FileChecksums.Verify(PathOf("a.txt"), "fix", 1 << 20);
        Assert.False(FileChecksums.HasInterruptedCommit(_folder));
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
    }

    [Fact]
    public void Commit_Again_ReplacesTheChecksumAndKeepsOtherFilesListed()
    {
        Commit(("a.txt", "alpha"), ("b.txt", "bravo"));
        Commit(("a.txt", "alpha 2"));

        Assert.Equal([$"{Sha256("alpha 2")}  a.txt", $"{Sha256("bravo")}  b.txt"], File.ReadAllLines(PathOf(FileChecksums.FileName)));
        FileChecksums.Verify(PathOf("b.txt"), "fix", 1 << 20);
    }

    [Theory]
    [InlineData("overwritten")]
    [InlineData("truncated")]
    [InlineData("missing")]
    public void Verify_DamagedFile_ThrowsInputExceptionNamingTheFileAndTheFix(string damage)
    {
        Commit(("a.txt", "alpha bravo charlie"));
        string path = PathOf("a.txt");
        if (damage == "overwritten") File.WriteAllText(path, "alpha XXXXX charlie");
        else if (damage == "truncated") File.WriteAllText(path, "alpha");
        else File.Delete(path);

        var e = Assert.Throws<InputException>(() => FileChecksums.Verify(path, "do this", 1 << 20));
        Assert.Contains(path, e.Message);
        Assert.EndsWith("do this", e.Message);
        Assert.Contains(damage == "missing" ? "missing" : "damaged or truncated", e.Message);
    }

    [Fact]
    public void Verify_FileNotListedOrNoChecksumFile_Throws()
    {
        File.WriteAllText(PathOf("x.txt"), "x");
        Assert.Contains("has no SHA256SUMS", Assert.Throws<InputException>(() => FileChecksums.Verify(PathOf("x.txt"), "fix", 1 << 20)).Message);
        Commit(("a.txt", "alpha"));
        Assert.Contains("not listed", Assert.Throws<InputException>(() => FileChecksums.Verify(PathOf("x.txt"), "fix", 1 << 20)).Message);
    }

    [Fact]
    public void Commit_InterruptedBetweenRenames_LeavesEveryFileIntactByItsChecksums()
    {
        Commit(("a.txt", "old a"), ("b.txt", "old b"));
        Directory.CreateDirectory(PathOf("c.txt"));   // the third rename fails, as if the process died there

        using (var set = new AtomicFileSet())
        {
            set.WriteAllText(PathOf("a.txt"), "new a");
            set.WriteAllText(PathOf("b.txt"), "new b");
            set.WriteAllText(PathOf("c.txt"), "new c");
            Assert.ThrowsAny<IOException>(set.Commit);
        }

        Assert.Equal("new a", File.ReadAllText(PathOf("a.txt")));
        FileChecksums.Verify(PathOf("a.txt"), "fix", 1 << 20);
        FileChecksums.Verify(PathOf("b.txt"), "fix", 1 << 20);
        Assert.True(FileChecksums.HasInterruptedCommit(_folder));
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));

        Directory.Delete(PathOf("c.txt"));
        Commit(("a.txt", "new a"), ("b.txt", "new b"), ("c.txt", "new c"));
        Assert.False(FileChecksums.HasInterruptedCommit(_folder));
    }

    [Fact]
    public void Write_DiskFullWhileStaging_LeavesNoTemporaryFileAndChangesNothing()
    {
        Commit(("a.txt", "alpha"));
        string sums = File.ReadAllText(PathOf(FileChecksums.FileName));

        using (var set = new AtomicFileSet())
        {
            set.WriteAllText(PathOf("b.txt"), "bravo");
            Assert.Throws<IOException>(() => set.Write(PathOf("a.txt"), s =>
            {
                s.Write(new byte[100]);
                throw new IOException("No space left on device");
            }));
        }

        Assert.Equal([FileChecksums.FileName, "a.txt"], Directory.GetFileSystemEntries(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("alpha", File.ReadAllText(PathOf("a.txt")));
        Assert.Equal(sums, File.ReadAllText(PathOf(FileChecksums.FileName)));
    }

    [Fact]
    public void DeleteLeftovers_DeletesOnlyTemporaryFilesOfThisNaming()
    {
        File.WriteAllText(PathOf($"a.txt.123.{Guid.NewGuid():N}.tmp"), "half");
        File.WriteAllText(PathOf("notes.tmp"), "a user's file");
        AtomicFile.DeleteLeftovers(_folder);
        Assert.Equal(["notes.tmp"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }
}
