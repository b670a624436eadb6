using RnnPipeline.Diagnostics;
using RnnPipeline.IO;
using RnnPipeline.Options;
using RnnPipeline.Training;
using RnnPipeline.Training.Text;
using RnnPipeline.Tests.Core.IO;

namespace RnnPipeline.Tests.Training;

/// <summary>Every way a checkpoint can be unusable is an <see cref="InputException"/> naming it and the fix.</summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnpipeline-checkpoint-").FullName;
    private readonly string _text = RnnPipeline.Text.SampleTextGenerator.Generate(4000, 2);
    private readonly RunSpec _spec = TestData.Spec(s => s.Training.Steps = 6);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Checkpoint => Path.Combine(_folder, "checkpoint.bin");

    private void Save(RunSpec spec)
    {
        using var session = TrainingSession.Create(spec, CharCorpus.FromText(_text, spec), new RunRecording(RunInfo.For("t", spec)));
        session.Train(CancellationToken.None, until: 3);
        session.SaveCheckpoint(Checkpoint);
    }

    private InputException Rejected(RunSpec? spec = null, string? text = null)
    {
        spec ??= _spec;
        var corpus = CharCorpus.FromText(text ?? _text, spec);
        var e = Assert.Throws<InputException>(() => TrainingSession.Resume(spec, corpus, new RunRecording(RunInfo.For("t", spec)), Checkpoint));
        Assert.Contains(Checkpoint, e.Message);
        Assert.Contains("without --resume", e.Message);
        return e;
    }

    [Fact]
    public void Resume_IntactCheckpoint_ContinuesAtItsStep()
    {
        Save(_spec);
        TrainingSession.VerifyCheckpoint(_spec, Checkpoint);
        using var session = TrainingSession.Resume(_spec, CharCorpus.FromText(_text, _spec), new RunRecording(RunInfo.For("t", _spec)), Checkpoint);
        Assert.Equal(3, session.Step);
    }

    [Fact]
    public void Resume_EightBytesOverwrittenInTheMiddle_IsRejectedAsDamaged()
    {
        Save(_spec);
        using (var file = new FileStream(Checkpoint, FileMode.Open))
        {
            file.Position = file.Length / 2;
            file.Write("XXXXXXXX"u8);
        }
        Assert.Contains("damaged", Rejected().Message);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(10)]
    [InlineData(0)]
    public void Resume_TruncatedCheckpoint_IsRejected(int length)
    {
        Save(_spec);
        using (var file = new FileStream(Checkpoint, FileMode.Open)) file.SetLength(length);
        Assert.Contains("truncated", Rejected().Message);
    }

    [Fact]
    public void Resume_OtherFormatVersion_IsRejectedNamingBothVersions()
    {
        Save(_spec);
        byte[] bytes = File.ReadAllBytes(Checkpoint);
        int versionAt = 1 + SectionFile.Magic.Length + 1 + "checkpoint".Length;   // after the length-prefixed magic and kind
        Assert.Equal(TrainingSession.CheckpointFormatVersion, BitConverter.ToInt32(bytes, versionAt));
        BitConverter.GetBytes(9).CopyTo(bytes, versionAt);
        File.WriteAllBytes(Checkpoint, SectionFileTests.Resigned(bytes));
        Assert.Contains($"format version 9, this version of RnnPipeline reads {TrainingSession.CheckpointFormatVersion}", Rejected().Message);
    }

    [Fact]
    public void Resume_CheckpointOfTheEarlierPositionalLayout_IsRejectedAsOlder()
    {
        using (var writer = new BinaryWriter(File.Create(Checkpoint)))
        {
            writer.Write("RNNPIPELINE-CHECKPOINT");
            writer.Write(2);
            writer.Write(_spec.ConfigHash());
            writer.Write(new byte[64]);
        }
        Assert.Contains("written by an older version of RnnPipeline", Rejected().Message);
    }

    [Fact]
    public void ReadModel_SectionsReordered_FindsTheWeightsByName()
    {
        Save(_spec);
        var file = SectionFileReader.Open(File.ReadAllBytes(Checkpoint), "checkpoint", "c", "f");
        byte[] bytes = File.ReadAllBytes(Checkpoint);
        var reordered = new SectionFileWriter("checkpoint");
        foreach (string name in file.Sections.Reverse())
        {
            byte[] payload = file.Read(name, r => r.ReadBytes((int)r.BaseStream.Length));
            reordered.Add(name, w => w.Write(payload));
        }
        using (var stream = File.Create(Checkpoint)) reordered.WriteTo(stream);
        Assert.NotEqual(bytes, File.ReadAllBytes(Checkpoint));
        using var model = CharRnnModel.FromCheckpoint(_spec, Checkpoint);
        using var resumed = TrainingSession.Resume(_spec, CharCorpus.FromText(_text, _spec), new RunRecording(RunInfo.For("t", _spec)), Checkpoint);
        Assert.Equal(3, resumed.Step);
        Assert.Equal(resumed.Corpus.Vocabulary.Characters, model.Characters);
    }

    [Fact]
    public void Resume_OtherConfiguration_IsRejected()
    {
        Save(_spec);
        var other = TestData.Spec(s => { s.Training.Steps = 6; s.Model.HiddenSize = 17; });
        Assert.Contains("different configuration", Rejected(other).Message);
        Assert.Throws<InputException>(() => TrainingSession.VerifyCheckpoint(other, Checkpoint));
    }

    [Fact]
    public void Resume_OtherText_IsRejected()
    {
        Save(_spec);
        Assert.Contains("different text", Rejected(text: _text.Replace('e', 'E')).Message);
    }

    [Fact]
    public void Resume_NotACheckpoint_IsRejected()
    {
        File.WriteAllText(Checkpoint, string.Concat(Enumerable.Repeat("a text file, no checkpoint\n", 100)));
        Assert.Contains("not an RnnPipeline checkpoint", Rejected().Message);
    }
}
