using RnnPipeline.Options;
using RnnPipeline.Training.Model;
using RnnPipeline.Training.Optim;
using static TorchSharp.torch;

namespace RnnPipeline.Training.Engine;

/// <summary>
/// Everything that determines the rest of a run: weights, optimiser state, the carried state [B, S] and the
/// data cursor. Training has no other randomness, so restoring a state restores the run exactly.
/// </summary>
internal sealed class TrainingState : IDisposable
{
    public CharRnnWeights Weights { get; }
    public Optimizer Optimizer { get; }
    public Tensor Hidden { get; }
    public int Cursor { get; set; }
    public int Step { get; set; }

    public TrainingState(CharRnnWeights weights, TrainingOptions options, long batch)
    {
        Weights = weights;
        Optimizer = new Optimizer(options, weights);
        Hidden = zeros(batch, weights.StateSize).DetachFromDisposeScope();
    }

    public TrainingState Clone(TrainingOptions options)
    {
        var copy = new TrainingState(Weights.Clone(), options, Hidden.shape[0]) { Cursor = Cursor, Step = Step };
        copy.Optimizer.CopyFrom(Optimizer);
        copy.Hidden.copy_(Hidden);
        return copy;
    }

    public void CopyFrom(TrainingState source)
    {
        Weights.CopyFrom(source.Weights);
        Optimizer.CopyFrom(source.Optimizer);
        Hidden.copy_(source.Hidden);
        (Cursor, Step) = (source.Cursor, source.Step);
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(Step);
        writer.Write(Cursor);
        Weights.Write(writer);
        Optimizer.Write(writer);
        TensorIO.Write(writer, Hidden);
    }

    /// <summary>What <see cref="Write"/> wrote first: step, data cursor and weights (the caller owns the weights).</summary>
    public static (int Step, int Cursor, CharRnnWeights Weights) ReadHead(BinaryReader reader) =>
        (reader.ReadInt32(), reader.ReadInt32(), CharRnnWeights.Read(reader));

    public void Read(BinaryReader reader)
    {
        var (step, cursor, weights) = ReadHead(reader);
        (Step, Cursor) = (step, cursor);
        using (weights) Weights.CopyFrom(weights);
        Optimizer.Read(reader);
        using var hidden = TensorIO.Read(reader);
        Hidden.copy_(hidden);
    }

    public void Dispose()
    {
        Weights.Dispose();
        Optimizer.Dispose();
        Hidden.Dispose();
    }
}
