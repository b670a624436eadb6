using RnnPipeline.IO;

namespace RnnPipeline.Tests.Core.IO;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnpipeline-atomic-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void DeleteOrphans_DeletesTemporaryFilesOfDeadProcessesOnly()
    {
        string guid = Guid.NewGuid().ToString("N");
        string dead = Path.Combine(_folder, $"a.png.2147483646.{guid}.tmp");       // above any Linux pid_max
        string live = Path.Combine(_folder, $"b.png.{Environment.ProcessId}.{guid}.tmp");
        string other = Path.Combine(_folder, "notes.tmp");
        foreach (string file in new[] { dead, live, other }) File.WriteAllText(file, "x");
        AtomicFile.DeleteOrphans(_folder);
        Assert.Equal([live, other], Directory.GetFiles(_folder).Order(StringComparer.Ordinal));
    }
}
