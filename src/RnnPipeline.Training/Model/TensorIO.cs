using static TorchSharp.torch;

namespace RnnPipeline.Training.Model;

/// <summary>Binary (de)serialisation of float32 tensors: rank, shape, values.</summary>
internal static class TensorIO
{
    public static void Write(BinaryWriter writer, Tensor t)
    {
        writer.Write(t.shape.Length);
        foreach (long d in t.shape) writer.Write(d);
        var values = t.contiguous().data<float>().ToArray();
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }

    public static Tensor Read(BinaryReader reader)
    {
        long[] shape = new long[reader.ReadInt32()];
        for (int i = 0; i < shape.Length; i++) shape[i] = reader.ReadInt64();
        var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
        reader.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return tensor(values, shape);
    }
}
