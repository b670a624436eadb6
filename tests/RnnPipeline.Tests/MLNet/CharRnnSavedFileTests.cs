using System.Security.Cryptography;
using Microsoft.ML;
using RnnPipeline.MLNet.CharRnn;
using RnnPipeline.IO;
using RnnPipeline.Samples;
using RnnPipeline.Tests.Core.IO;

namespace RnnPipeline.Tests.MLNet;

/// <summary>
/// A saved featurizer carries its SHA-256 and is read field by field: damage, and fields out of range in a file whose
/// checksum was recomputed (as a crafted file would have), are refused with an <see cref="InputException"/> naming the
/// file, never a runtime exception from inside ML.NET or TorchSharp.
/// </summary>
public sealed class CharRnnSavedFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnpipeline-saved-").FullName;
    private readonly MLContext _ml = new(seed: 0);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A tiny fitted featurizer saved to a file; returns its bytes and where its model's fields start.</summary>
    private (string Path, byte[] Bytes, long Activation, long Rank) Saved()
    {
        var options = new CharRnnOptions { Run = { Model = { HiddenSize = 4 }, Training = { Steps = 2, BatchSize = 2, WindowLength = 8, EvalEvery = 2 } } };
        using var fitted = _ml.Transforms.Text.FeaturizeCharRnn("F", "Text", options).Fit(_ml.Data.LoadFromEnumerable(LineClassificationSample.Lines(1500, 1).ToArray()));
        string path = Path.Combine(_folder, "featurizer.bin");
        fitted.Save(path);
        byte[] bytes = File.ReadAllBytes(path);
        return (path, bytes, SectionFileTests.Offset(bytes, "model/activation"), SectionFileTests.Offset(bytes, "model/weights") + 1);   // after the embedding flag
    }

    /// <summary>Writes <paramref name="bytes"/> with a SHA-256 trailer that matches them.</summary>
    private static void WriteResigned(string path, byte[] bytes) => File.WriteAllBytes(path, SectionFileTests.Resigned(bytes));

    private string Refused(string path)
    {
        var error = Assert.Throws<InputException>(() => CharRnnTransformer.Load(_ml, path));
        Assert.Contains(path, error.Message);
        return error.Message;
    }

    [Fact]
    public void Load_SavedFile_RoundTrips()
    {
        var (path, _, _, _) = Saved();
        using var loaded = CharRnnTransformer.Load(_ml, path);
        Assert.Equal(4, loaded.Model.HiddenSize);
    }

    [Fact]
    public void Load_AByteFlipped_IsRefusedByItsChecksum()
    {
        var (path, bytes, _, rank) = Saved();
        bytes[rank + 10] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        Assert.Contains("SHA-256", Refused(path));
        File.WriteAllBytes(path, bytes[..^40]);
        Assert.Contains("SHA-256", Refused(path));
    }

    [Fact]
    public void Load_ActivationOutOfRange_IsRefusedNamingTheValue()
    {
        var (path, bytes, activation, _) = Saved();
        BitConverter.GetBytes(7).CopyTo(bytes, activation);
        WriteResigned(path, bytes);
        Assert.Contains("activation 7", Refused(path));
    }

    [Theory]
    [InlineData(0, 9L)]                                                         // the first tensor's rank
    [InlineData(4, long.MaxValue)]                                              // its first extent
    [InlineData(4, 65_000L)]                                                    // an extent the file cannot hold
    public void Load_TensorFieldsOutOfBounds_AreRefusedBeforeAllocating(int offset, long value)
    {
        var (path, bytes, _, rank) = Saved();
        if (offset == 0) BitConverter.GetBytes((int)value).CopyTo(bytes, rank);
        else BitConverter.GetBytes(value).CopyTo(bytes, rank + offset);
        WriteResigned(path, bytes);
        Assert.Contains("damaged", Refused(path));
    }

    [Fact]
    public void Load_ShapesOfTwoModels_AreRefused()
    {
        var (path, bytes, _, rank) = Saved();
        // W_xh [H, V] becomes [H - 1, V]: the values still fit in the file, the shapes no longer form one model.
        long h = BitConverter.ToInt64(bytes, (int)rank + 4);
        BitConverter.GetBytes(h - 1).CopyTo(bytes, rank + 4);
        WriteResigned(path, bytes);
        Assert.Contains("damaged", Refused(path));
    }

    [Fact]
    public void Load_FileOfTheEarlierPositionalLayout_IsReadAsItWas()
    {
        var (path, bytes, _, _) = Saved();
        var file = SectionFileReader.Open(bytes, "char-rnn featurizer", "f", "f");
        string Text(string section) => file.Read(section, r => r.ReadString());
        using var content = new MemoryStream();
        using (var writer = new BinaryWriter(content, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write("RNNPIPELINE-CHARRNN-TRANSFORMER-4");
            writer.Write(Text("featurizer/columns"));
            writer.Write(Text("featurizer/settings"));
            writer.Write("RNNPIPELINE-CHARRNN");
            writer.Write(file.Read("model/activation", r => r.ReadInt32()));
            writer.Write(Text("vocabulary"));
            writer.Write(file.Read("model/weights", r => r.ReadBytes((int)r.BaseStream.Length)));
        }
        string legacy = Path.Combine(_folder, "legacy.bin");
        File.WriteAllBytes(legacy, [.. content.ToArray(), .. SHA256.HashData(content.ToArray())]);
        using var current = CharRnnTransformer.Load(_ml, path);
        using var old = CharRnnTransformer.Load(_ml, legacy);
        Assert.Equal(current.Model.Characters, old.Model.Characters);
        Assert.Equal(current.Model.Read("a line").Mean, old.Model.Read("a line").Mean);
    }

    [Fact]
    public void Load_FileOfAnUnknownEarlierVersion_IsRefusedAsOlder()
    {
        string path = Path.Combine(_folder, "v1.bin");
        using (var writer = new BinaryWriter(File.Create(path))) writer.Write("RNNPIPELINE-CHARRNN-TRANSFORMER-1");
        Assert.Contains("written by an older version of RnnPipeline", Refused(path));
    }
}
