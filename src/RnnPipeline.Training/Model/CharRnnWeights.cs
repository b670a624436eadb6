using RnnPipeline.Options;
using static RnnPipeline.Training.OwnedScalars;
using static TorchSharp.torch;

namespace RnnPipeline.Training.Model;

/// <summary>
/// Parameters of the character RNN, column-vector convention a_t = W_xh x_t + W_hh h_{t−1} + b_h,
/// y_t = W_hy h_t + b_y. With one-hot input (<see cref="ModelOptions.EmbeddingSize"/> = 0) W_xh is [H, V];
/// with an embedding E [V, D] it is [H, D]. Tensors are float32, persistent (never inside a dispose scope) and do not
/// require gradients: training computes gradients by hand (<see cref="CharRnnNetwork"/>).
/// </summary>
internal sealed class CharRnnWeights : IDisposable
{
    /// <summary>Names in a fixed order (checkpoints, records such as "grad:W_hh").</summary>
    public static readonly string[] Names = ["E", "W_xh", "W_hh", "b_h", "W_hy", "b_y"];

    /// <summary>Embedding [V, D]; null with one-hot input.</summary>
    public Tensor? E { get; private set; }
    /// <summary>Input weights [H, V] or [H, D].</summary>
    public Tensor Wxh { get; private set; }
    /// <summary>Recurrent weights [H, H].</summary>
    public Tensor Whh { get; private set; }
    /// <summary>Recurrent bias [H].</summary>
    public Tensor Bh { get; private set; }
    /// <summary>Output weights [V, H].</summary>
    public Tensor Why { get; private set; }
    /// <summary>Output bias [V].</summary>
    public Tensor By { get; private set; }

    /// <summary>Hidden size H.</summary>
    public int Hidden => (int)Whh.shape[0];
    /// <summary>Vocabulary size V.</summary>
    public int Vocabulary => (int)Why.shape[0];

    private CharRnnWeights(Tensor? e, Tensor wxh, Tensor whh, Tensor bh, Tensor why, Tensor by)
    {
        (E, Wxh, Whh, Bh, Why, By) = (e, wxh, whh, bh, why, by);
    }

    /// <summary>The parameters that exist, paired with their names.</summary>
    public IEnumerable<(string Name, Tensor Value)> Named()
    {
        if (E is not null) yield return ("E", E);
        yield return ("W_xh", Wxh);
        yield return ("W_hh", Whh);
        yield return ("b_h", Bh);
        yield return ("W_hy", Why);
        yield return ("b_y", By);
    }

    /// <summary>
    /// Initialises every parameter from <paramref name="seed"/> alone (no global RNG): input/output weights and biases
    /// U(−1/√fan_in, 1/√fan_in) as torch.nn.RNN/Linear do; W_hh per <see cref="ModelOptions.Init"/>.
    /// </summary>
    public static CharRnnWeights Create(ModelOptions model, int vocabulary, int seed)
    {
        var random = new Random(seed);
        int h = model.HiddenSize, input = model.EmbeddingSize > 0 ? model.EmbeddingSize : vocabulary;
        double k = 1.0 / Math.Sqrt(h);
        using var scope = NewDisposeScope();
        Tensor? e = model.EmbeddingSize > 0 ? Normal(random, [vocabulary, model.EmbeddingSize], 1.0) : null;
        var wxh = Uniform(random, [h, input], k);
        var whh = model.Init switch
        {
            RecurrentInit.Default => Uniform(random, [h, h], k),
            RecurrentInit.Normal => Normal(random, [h, h], model.InitGain / Math.Sqrt(h)),
            RecurrentInit.Orthogonal => With(model.InitGain, Orthogonal(random, h).mul),
            RecurrentInit.Identity => With(model.InitGain, eye(h).mul),
            _ => throw new ArgumentOutOfRangeException(nameof(model), model.Init, "unknown initialisation"),
        };
        var bh = Uniform(random, [h], k);
        var why = Uniform(random, [vocabulary, h], k);
        var by = Uniform(random, [vocabulary], k);
        var weights = new CharRnnWeights(e?.contiguous(), wxh, whh.contiguous(), bh, why, by);
        foreach (var (_, t) in weights.Named()) t.DetachFromDisposeScope();
        return weights;
    }

    /// <summary>Zero tensors shaped like each parameter (gradient or optimiser buffers).</summary>
    public CharRnnWeights ZerosLike() => Map(t => zeros_like(t));

    /// <summary>A deep copy.</summary>
    public CharRnnWeights Clone() => Map(t => t.clone());

    /// <summary>Copies every value of <paramref name="source"/> into this instance's tensors (shapes must match).</summary>
    public void CopyFrom(CharRnnWeights source)
    {
        foreach (var ((_, to), (_, from)) in Named().Zip(source.Named())) to.copy_(from);
    }

    /// <summary>Builds new weights by applying <paramref name="f"/> to each parameter.</summary>
    public CharRnnWeights Map(Func<Tensor, Tensor> f)
    {
        Tensor Outer(Tensor t)
        {
            var r = f(t);
            r.DetachFromDisposeScope();                                          // persistent: owned by this instance
            return r;
        }
        return new CharRnnWeights(E is null ? null : Outer(E), Outer(Wxh), Outer(Whh), Outer(Bh), Outer(Why), Outer(By));
    }

    /// <summary>Writes every parameter (shape and float32 values).</summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write(E is not null);
        foreach (var (_, t) in Named()) TensorIO.Write(writer, t);
    }

    /// <summary>Reads parameters written by <see cref="Write"/>.</summary>
    public static CharRnnWeights Read(BinaryReader reader)
    {
        bool embedding = reader.ReadBoolean();
        var e = embedding ? TensorIO.Read(reader) : null;
        var weights = new CharRnnWeights(e, TensorIO.Read(reader), TensorIO.Read(reader), TensorIO.Read(reader), TensorIO.Read(reader), TensorIO.Read(reader));
        foreach (var (_, t) in weights.Named()) t.DetachFromDisposeScope();
        return weights;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (_, t) in Named()) t.Dispose();
    }

    private static Tensor Uniform(Random random, long[] shape, double bound)
    {
        var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
        for (int i = 0; i < values.Length; i++) values[i] = (float)((2 * random.NextDouble() - 1) * bound);
        return tensor(values, shape);
    }

    private static Tensor Normal(Random random, long[] shape, double std)
    {
        var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
        for (int i = 0; i < values.Length; i++)
        {
            // Box–Muller: two uniforms → one standard normal.
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            values[i] = (float)(std * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return tensor(values, shape);
    }

    /// <summary>Haar-random orthogonal matrix: Q of the QR of a Gaussian matrix, signs fixed by diag(R) (Mezzadri 2007).</summary>
    private static Tensor Orthogonal(Random random, int n)
    {
        var (q, r) = linalg.qr(Normal(random, [n, n], 1.0).to(float64));
        return (q * r.diagonal().sign().unsqueeze(0)).to(float32);
    }
}
