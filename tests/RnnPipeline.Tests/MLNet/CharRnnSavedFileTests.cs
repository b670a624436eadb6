using System.Security.Cryptography;
using Microsoft.ML;
using RnnPipeline.MLNet.CharRnn;
using RnnPipeline.Samples;

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
        using var reader = new BinaryReader(new MemoryStream(bytes));
        for (int i = 0; i < 4; i++) reader.ReadString();                          // magic, columns, settings, the model's magic
        long activation = reader.BaseStream.Position;
        reader.ReadInt32();
        reader.ReadString();                                                     // vocabulary
        reader.ReadBoolean();                                                    // embedding
        return (path, bytes, activation, reader.BaseStream.Position);
    }

    /// <summary>Writes <paramref name="bytes"/> with a SHA-256 trailer that matches them.</summary>
    private static void WriteResigned(string path, byte[] bytes)
    {
        SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)).CopyTo(bytes.AsSpan(bytes.Length - 32));
        File.WriteAllBytes(path, bytes);
    }

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
}
