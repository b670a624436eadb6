using RnnPipeline.Text;

namespace RnnPipeline.Tests.Core.Text;

/// <summary>Only regular, readable, bounded files are read as text; everything else is refused before reading.</summary>
public sealed class TextSourceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnpipeline-text-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Refused(string path) => Assert.Throws<InputException>(() => TextSource.LoadUtf8(path)).Message;

    [Fact]
    public void LoadUtf8_Folder_IsRefusedAsAFolder() => Assert.Contains("is a folder", Refused(_folder));

    [Fact]
    public void LoadUtf8_Device_IsRefusedBeforeReading() => Assert.Contains("not a regular file", Refused("/dev/zero"));

    [Fact]
    public async Task LoadUtf8_Fifo_IsRefusedWithoutBlocking()
    {
        string fifo = Path.Combine(_folder, "pipe");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo])) mkfifo.WaitForExit();
        string message = await Task.Run(() => Refused(fifo)).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains("not a regular file", message);
    }

    [Fact]
    public void LoadUtf8_NulInPath_IsRefused() => Assert.Contains("NUL character", Refused(Path.Combine(_folder, "a\0b.txt")));

    [Fact]
    public void LoadUtf8_FileAboveTheLimit_IsRefusedWithTheLimit()
    {
        string big = Path.Combine(_folder, "big.txt");
        using (var stream = File.Create(big)) stream.SetLength(TextSource.MaximumBytes + 1);   // sparse: nothing is written
        string message = Refused(big);
        Assert.Contains($"{TextSource.MaximumBytes + 1} bytes", message);
        Assert.Contains($"limit of {TextSource.MaximumBytes}", message);
    }

    [Fact]
    public void LoadUtf8_RegularFile_IsRead()
    {
        string path = Path.Combine(_folder, "ok.txt");
        File.WriteAllText(path, "héllo");
        Assert.Equal("héllo", TextSource.LoadUtf8(path));
    }
}
