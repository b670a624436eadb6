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

    /// <summary>The update rule.</summary>
    public OptimizerKind Kind => _kind;

    /// <summary>Applies one update with learning rate <paramref name="lr"/> from <paramref name="grads"/>.</summary>
    public void Step(CharRnnWeights weights, CharRnnWeights grads, double lr)
    {
        using var scope = NewDisposeScope();
        Step([this], new StackedWeights([weights]), [.. grads.Named().Select(p => p.Value.unsqueeze(0))], [lr]);
    }

    /// <summary>
    /// One update of each of R runs of one <see cref="Kind"/>: <paramref name="optimizers"/>[r] applies the gradients
    /// <paramref name="grads"/> [R, …] (<see cref="CharRnnWeights.Named"/> order) to <paramref name="weights"/> with
    /// learning rate <paramref name="lrs"/>[r], all runs in one operation per parameter and rule term; the per-run
    /// factors are float32 [R] tensors that multiply exactly as scalar factors do, so a run's values are the same alone
    /// (R = 1, over views) and stacked (then written back into each run's tensors).
    /// </summary>
    /// <exception cref="ArgumentException">The optimisers differ in <see cref="Kind"/>.</exception>
    public static void Step(IReadOnlyList<Optimizer> optimizers, StackedWeights weights, IReadOnlyList<Tensor> grads, IReadOnlyList<double> lrs)
    {
        var kind = optimizers[0]._kind;
        if (optimizers.Any(o => o._kind != kind)) throw new ArgumentException("one update rule per stacked update", nameof(optimizers));
        using var scope = NewDisposeScope();
        foreach (var o in optimizers) o.Updates++;
        Tensor PerRun(Func<Optimizer, double, double> factor) => tensor(optimizers.Select((o, r) => (float)factor(o, lrs[r])).ToArray());
        var momentum = PerRun((o, _) => o._momentum);
        var step = kind == OptimizerKind.Sgd
            ? PerRun((_, lr) => -lr)
            : PerRun((o, lr) => -lr / (1 - Math.Pow(Beta1, o.Updates)));           // −lr / (1 − β1^t): bias-corrected m
        var correction = PerRun((o, _) => 1 - Math.Pow(Beta2, o.Updates));         // 1 − β2^t: bias-corrected v
        var (first, second) = (new StackedWeights([.. optimizers.Select(o => o._first)]), new StackedWeights([.. optimizers.Select(o => o._second)]));
        for (int i = 0; i < grads.Count; i++)
        {
            var (p, g, m, v) = (weights.Parameters[i], grads[i], first.Parameters[i], second.Parameters[i]);
            Tensor Each(Tensor factor) => factor.view([factor.shape[0], .. Enumerable.Repeat(1L, (int)p.dim() - 1)]);
            if (kind == OptimizerKind.Sgd)
            {
                m.mul_(Each(momentum)).add_(g, One);
                p.add_(m.mul(Each(step)), One);
            }
            else
            {
                m.mul_(Beta1Scalar).add_(g, OneMinusBeta1);
                v.mul_(Beta2Scalar).addcmul_(g, g, OneMinusBeta2);
                p.addcdiv_(m.mul(Each(step)), v.div(Each(correction)).sqrt_().add_(EpsilonScalar, One), One);
            }
        }
        weights.WriteBack();
        first.WriteBack();
        second.WriteBack();
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
