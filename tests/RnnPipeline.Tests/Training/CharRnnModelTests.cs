using RnnPipeline.Training;
using RnnPipeline.Training.Text;

namespace RnnPipeline.Tests.Training;

public sealed class CharRnnModelTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnpipeline-charrnnmodel-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>FromCheckpoint reads the layout WriteCheckpoint writes: the same model as the session's.</summary>
    [Fact]
    public void FromCheckpoint_GivesTheSessionsModel_AndRefusesAnotherConfiguration()
    {
        var spec = TestData.Spec(s => s.Training.Steps = 5);
        string text = string.Concat(Enumerable.Repeat("the quick brown fox jumps over the lazy dog\n", 40));
        using var session = TrainingSession.Create(spec, CharCorpus.FromText(text, spec), new RnnPipeline.Diagnostics.RunRecording(RnnPipeline.Diagnostics.RunInfo.For("t", spec)));
        session.Train(CancellationToken.None);
        string path = Path.Combine(_folder, "checkpoint.bin");
        session.SaveCheckpoint(path);
        using var expected = CharRnnModel.From(session);
        using var loaded = CharRnnModel.FromCheckpoint(spec, path);
        using var clone = loaded.Clone();
        Assert.Equal(expected.Characters, loaded.Characters);
        var reading = expected.Read("a lazy fox");
        // Equal weights; a copy's memory layout can change the last bit of a matmul.
        Assert.All(reading.Mean.Zip(loaded.Read("a lazy fox").Mean), p => Assert.Equal(p.First, p.Second, 1e-5f));
        Assert.All(reading.Max.Zip(clone.Read("a lazy fox").Max), p => Assert.Equal(p.First, p.Second, 1e-5f));
        var other = TestData.Spec(s => s.Model.HiddenSize = 12);
        Assert.Contains("different configuration", Assert.Throws<InputException>(() => CharRnnModel.FromCheckpoint(other, path)).Message);
    }
}
