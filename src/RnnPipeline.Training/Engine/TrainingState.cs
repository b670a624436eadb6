using RnnPipeline.IO;
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

    /// <summary>Writes the state as sections whose names start with <paramref name="prefix"/> (see <see cref="PersistedSections"/>).</summary>
    public void Write(SectionFileWriter file, string prefix = "")
    {
        file.Add(prefix + PersistedSections.Cursor, writer =>
        {
            writer.Write(Step);
            writer.Write(Cursor);
        });
        file.Add(prefix + PersistedSections.Weights, Weights.Write);
        file.Add(prefix + PersistedSections.Optimizer, Optimizer.Write);
        file.Add(prefix + PersistedSections.HiddenState, writer => TensorIO.Write(writer, Hidden));
    }

    /// <summary>The step and data cursor that <see cref="Write"/> wrote with <paramref name="prefix"/>.</summary>
    public static (int Step, int Cursor) ReadCursor(SectionFileReader file, string prefix = "") =>
        file.Read(prefix + PersistedSections.Cursor, reader => (reader.ReadInt32(), reader.ReadInt32()));

    /// <summary>Reads what <see cref="Write"/> wrote with <paramref name="prefix"/> into this state.</summary>
    public void Read(SectionFileReader file, string prefix = "")
    {
        (Step, Cursor) = ReadCursor(file, prefix);
        using (var weights = file.Read(prefix + PersistedSections.Weights, CharRnnWeights.Read)) Weights.CopyFrom(weights);
        file.Read(prefix + PersistedSections.Optimizer, Optimizer.Read);
        using var hidden = file.Read(prefix + PersistedSections.HiddenState, TensorIO.Read);
        Hidden.copy_(hidden);
    }

    public void Dispose()
    {
        Weights.Dispose();
        Optimizer.Dispose();
        Hidden.Dispose();
    }
}
