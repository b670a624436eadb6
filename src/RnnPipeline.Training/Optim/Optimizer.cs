using RnnPipeline.Options;
using RnnPipeline.Training.Model;
using TorchSharp;
using static RnnPipeline.Training.OwnedScalars;
using static TorchSharp.torch;

namespace RnnPipeline.Training.Optim;

/// <summary>
/// SGD with momentum and Adam over <see cref="CharRnnWeights"/>, with state that checkpoints exactly.
/// Update rules as in torch.optim.SGD (buf ← μ·buf + g; p ← p − lr·buf) and torch.optim.Adam
/// (Kingma &amp; Ba 2015: β1 0.9, β2 0.999, ε 1e−8, bias-corrected moments).
/// </summary>
internal sealed class Optimizer : IDisposable
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;

    // The constants as Scalars this class owns (see OwnedScalars).
    private static readonly Scalar Beta1Scalar = Constant(Beta1), Beta2Scalar = Constant(Beta2), EpsilonScalar = Constant(Epsilon),
        OneMinusBeta1 = Constant(1 - Beta1), OneMinusBeta2 = Constant(1 - Beta2);

    private readonly OptimizerKind _kind;
    private readonly double _momentum;
    private readonly CharRnnWeights _first;   // momentum buffer (SGD) or first moment (Adam)
    private readonly CharRnnWeights _second;  // second moment (Adam)

    /// <summary>Updates applied so far.</summary>
    public long Updates { get; private set; }

    /// <summary>Creates zeroed state shaped like <paramref name="weights"/>.</summary>
    public Optimizer(TrainingOptions options, CharRnnWeights weights)
    {
        _kind = options.Optimizer;
        _momentum = options.Momentum;
        _first = weights.ZerosLike();
        _second = weights.ZerosLike();
    }

    /// <summary>Applies one update with learning rate <paramref name="lr"/> from <paramref name="grads"/>.</summary>
    public void Step(CharRnnWeights weights, CharRnnWeights grads, double lr)
    {
        using var scope = NewDisposeScope();
        Updates++;
        foreach (var (((_, p), (_, g)), ((_, m), (_, v))) in weights.Named().Zip(grads.Named()).Zip(_first.Named().Zip(_second.Named())))
        {
            if (_kind == OptimizerKind.Sgd)
            {
                With(_momentum, m.mul_).add_(g, One);
                With(-lr, s => p.add_(m, s));
            }
            else
            {
                m.mul_(Beta1Scalar).add_(g, OneMinusBeta1);
                v.mul_(Beta2Scalar).addcmul_(g, g, OneMinusBeta2);
                double c1 = 1 - Math.Pow(Beta1, Updates), c2 = 1 - Math.Pow(Beta2, Updates);
                var denominator = With(c2, s => v.div(s)).sqrt_().add_(EpsilonScalar, One);
                With(-lr / c1, s => p.addcdiv_(m, denominator, s));
            }
        }
    }

    /// <summary>Copies the state of <paramref name="source"/> into this optimiser.</summary>
    public void CopyFrom(Optimizer source)
    {
        _first.CopyFrom(source._first);
        _second.CopyFrom(source._second);
        Updates = source.Updates;
    }

    /// <summary>Writes the state.</summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write(Updates);
        _first.Write(writer);
        _second.Write(writer);
    }

    /// <summary>Reads state written by <see cref="Write"/> into this optimiser.</summary>
    public void Read(BinaryReader reader)
    {
        Updates = reader.ReadInt64();
        using var first = CharRnnWeights.Read(reader);
        using var second = CharRnnWeights.Read(reader);
        _first.CopyFrom(first);
        _second.CopyFrom(second);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
    }
}
