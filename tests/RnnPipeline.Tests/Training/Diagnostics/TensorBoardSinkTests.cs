using RnnPipeline.Training.Diagnostics;
using static RnnPipeline.Tests.Core.IO.SpecialFiles;

namespace RnnPipeline.Tests.Training.Diagnostics;

/// <summary>Event files a resumed run finds in its tensorboard folder are read under the same rule as every run-folder file.</summary>
public sealed class TensorBoardSinkTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnpipeline-tensorboard-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(Kind.Fifo)]
    [InlineData(Kind.DevZeroLink)]
    [InlineData(Kind.Oversized)]
    public void New_SpecialOrOversizedEventFile_IsRefusedByName(Kind kind)
    {
        string events = Path.Combine(_folder, "events.out.tfevents.1.host");
        Plant(events, kind, TensorBoardSink.MaximumEventFileBytes);
        var error = Refused(() => _ = new TensorBoardSink(_folder, 10));
        Assert.Contains(events, error.Message);
        Assert.Contains(Refusal(kind, TensorBoardSink.MaximumEventFileBytes), error.Message);
    }
}
