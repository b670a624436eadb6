using static TorchSharp.torch;

namespace RnnPipeline.Training.Model;

/// <summary>Binary (de)serialisation of float32 tensors: rank, shape, values.</summary>
internal static class TensorIO
{
    /// <summary>Largest extent of a dimension read: the largest vocabulary (65,536 UTF-16 code units) bounds every one.</summary>
    public const long MaximumExtent = 1 << 16;

    public static void Write(BinaryWriter writer, Tensor t)
    {
        writer.Write(t.shape.Length);
        foreach (long d in t.shape) writer.Write(d);
        var values = t.contiguous().data<float>().ToArray();
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }

    /// <summary>Reads a tensor written by <see cref="Write"/>.</summary>
    /// <exception cref="InvalidDataException">The rank is not 1 or 2, an extent is outside 1..<see cref="MaximumExtent"/>, or the values would run past the end of a seekable stream.</exception>
    public static Tensor Read(BinaryReader reader)
    {
        int rank = reader.ReadInt32();
        if (rank is < 1 or > 2) throw new InvalidDataException($"a tensor of rank {rank} (the model's tensors have rank 1 or 2)");
        long[] shape = new long[rank];
        for (int i = 0; i < shape.Length; i++)
            if ((shape[i] = reader.ReadInt64()) is < 1 or > MaximumExtent)
                throw new InvalidDataException($"a tensor extent of {shape[i]} (at most {MaximumExtent})");
        long count = shape.Aggregate(1L, (a, b) => a * b);
        var stream = reader.BaseStream;
        if (stream.CanSeek && 4 * count > stream.Length - stream.Position)
            throw new InvalidDataException($"a tensor of {count} values where the file has {stream.Length - stream.Position} bytes left");
        var values = new float[count];
        reader.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return tensor(values, shape);
    }
}
