using RnnPipeline.Options;
using static RnnPipeline.Training.OwnedScalars;
using static TorchSharp.torch;

namespace RnnPipeline.Training.Model;

/// <summary>
/// Parameters of the character RNN, column-vector convention a_t = W_xh x_t + W_hh h_{t−1} + b_h,
/// y_t = W_hy h_t + b_y. With one-hot input (<see cref="ModelOptions.EmbeddingSize"/> = 0) W_xh is [H, V];
/// with an embedding E [V, D] it is [H, D]. A gated cell with G gate blocks (LSTM 4: i, f, g, o; GRU 3: r, z, n) holds
/// PyTorch's layout: W_xh [G·H, V|D] (weight_ih), W_hh [G·H, H] (weight_hh), b_h [G·H] (bias_ih) and b_hh [G·H]
/// (bias_hh, absent for the vanilla unit); the cell is read from the shape of W_hh (<see cref="Cell"/>), so checkpoints
/// and model files need no field of their own for it. Tensors are float32, persistent (never inside a dispose scope)
/// and do not require gradients: the trainer computes gradients itself (<see cref="CharRnnNetwork"/>).
/// </summary>
internal sealed class CharRnnWeights : IDisposable
{
    /// <summary>Names in a fixed order (checkpoints, records such as "grad:W_hh").</summary>
    public static readonly string[] Names = ["E", "W_xh", "W_hh", "b_h", "b_hh", "W_hy", "b_y"];

    /// <summary>Embedding [V, D]; null with one-hot input.</summary>
    public Tensor? E { get; private set; }
    /// <summary>Input weights [H, V] or [H, D] ([G·H, …] for a gated cell).</summary>
    public Tensor Wxh { get; private set; }
    /// <summary>Recurrent weights [H, H] ([G·H, H] for a gated cell).</summary>
    public Tensor Whh { get; private set; }
    /// <summary>Recurrent bias [H] (a gated cell's input-side bias [G·H]).</summary>
    public Tensor Bh { get; private set; }
    /// <summary>A gated cell's hidden-side bias [G·H] (PyTorch's bias_hh); null for the vanilla unit.</summary>
    public Tensor? Bhh { get; private set; }
    /// <summary>Output weights [V, H].</summary>
    public Tensor Why { get; private set; }
    /// <summary>Output bias [V].</summary>
    public Tensor By { get; private set; }

    /// <summary>Hidden size H.</summary>
    public int Hidden => (int)Whh.shape[1];
    /// <summary>The recurrent cell, from the shape of W_hh: [H, H] vanilla, [4H, H] LSTM, [3H, H] GRU.</summary>
    public RecurrentCell Cell => CellOf(Whh.shape[0] / Whh.shape[1]);
    /// <summary>Size S of the recurrent state: H, or 2H for the LSTM's (h, c).</summary>
    public int StateSize => Cell == RecurrentCell.Lstm ? 2 * Hidden : Hidden;

    /// <summary>Gate blocks G of <paramref name="cell"/>: 1 vanilla, 4 LSTM (i, f, g, o), 3 GRU (r, z, n).</summary>
    public static int Gates(RecurrentCell cell) => cell switch
    {
        RecurrentCell.Lstm => 4,
        RecurrentCell.Gru => 3,
        _ => 1,
    };

    private static RecurrentCell CellOf(long gates) => gates switch
    {
        4 => RecurrentCell.Lstm,
        3 => RecurrentCell.Gru,
        _ => RecurrentCell.Rnn,
    };
    /// <summary>Vocabulary size V.</summary>
    public int Vocabulary => (int)Why.shape[0];

    private CharRnnWeights(Tensor? e, Tensor wxh, Tensor whh, Tensor bh, Tensor? bhh, Tensor why, Tensor by)
    {
        (E, Wxh, Whh, Bh, Bhh, Why, By) = (e, wxh, whh, bh, bhh, why, by);
    }

    /// <summary>The parameters that exist, paired with their names.</summary>
    public IEnumerable<(string Name, Tensor Value)> Named()
    {
        if (E is not null) yield return ("E", E);
        yield return ("W_xh", Wxh);
        yield return ("W_hh", Whh);
        yield return ("b_h", Bh);
        if (Bhh is not null) yield return ("b_hh", Bhh);
        yield return ("W_hy", Why);
        yield return ("b_y", By);
    }

    /// <summary>
    /// Initialises every parameter from <paramref name="seed"/> alone (no global RNG): input/output weights and biases
    /// U(−1/√fan_in, 1/√fan_in) as torch.nn.RNN/Linear/LSTM/GRU do; W_hh per <see cref="ModelOptions.Init"/> (a gated
    /// cell's one gate block after another). An LSTM's forget-gate bias starts at 1 (b_h's f block 1, b_hh's 0), so the
    /// cell path starts near the identity (Gers et al. 2000; Jozefowicz, Zaremba &amp; Sutskever 2015).
    /// </summary>
    public static CharRnnWeights Create(ModelOptions model, int vocabulary, int seed)
    {
        var random = new Random(seed);
        int h = model.HiddenSize, input = model.EmbeddingSize > 0 ? model.EmbeddingSize : vocabulary, gates = Gates(model.Cell);
        double k = 1.0 / Math.Sqrt(h);
        using var scope = NewDisposeScope();
        Tensor? e = model.EmbeddingSize > 0 ? Normal(random, [vocabulary, model.EmbeddingSize], 1.0) : null;
        var wxh = Uniform(random, [gates * h, input], k);
        var whh = cat(Enumerable.Range(0, gates).Select(_ => model.Init switch
        {
            RecurrentInit.Default => Uniform(random, [h, h], k),
            RecurrentInit.Normal => Normal(random, [h, h], model.InitGain / Math.Sqrt(h)),
            RecurrentInit.Orthogonal => With(model.InitGain, Orthogonal(random, h).mul),
            RecurrentInit.Identity => With(model.InitGain, eye(h).mul),
            _ => throw new ArgumentOutOfRangeException(nameof(model), model.Init, "unknown initialisation"),
        }).ToArray(), 0);
        var bh = Uniform(random, [gates * h], k);
        var bhh = gates > 1 ? Uniform(random, [gates * h], k) : null;
        if (model.Cell == RecurrentCell.Lstm)
        {
            With(1.0, bh[h..(2 * h)].fill_);                                          // forget-gate bias 1
            bhh![h..(2 * h)].zero_();
        }
        var why = Uniform(random, [vocabulary, h], k);
        var by = Uniform(random, [vocabulary], k);
        var weights = new CharRnnWeights(e?.contiguous(), wxh, whh.contiguous(), bh, bhh, why, by);
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
        return new CharRnnWeights(E is null ? null : Outer(E), Outer(Wxh), Outer(Whh), Outer(Bh), Bhh is null ? null : Outer(Bhh), Outer(Why), Outer(By));
    }

    /// <summary>Writes every parameter (shape and float32 values).</summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write(E is not null);
        foreach (var (_, t) in Named()) TensorIO.Write(writer, t);
    }

    /// <summary>
    /// Reads parameters written by <see cref="Write"/> (b_hh follows b_h when W_hh is a gated cell's [G·H, H]), checked
    /// to be the shapes of one model.
    /// </summary>
    /// <exception cref="InvalidDataException">A tensor is malformed, or the shapes do not fit together.</exception>
    public static CharRnnWeights Read(BinaryReader reader)
    {
        bool embedding = reader.ReadBoolean();
        var read = new List<Tensor>();
        Tensor Next()
        {
            var t = TensorIO.Read(reader);
            read.Add(t);
            return t;
        }
        try
        {
            var e = embedding ? Next() : null;
            var (wxh, whh, bh) = (Next(), Next(), Next());
            var bhh = whh.shape is [var rows, var h] && rows != h ? Next() : null;
            var weights = new CharRnnWeights(e, wxh, whh, bh, bhh, Next(), Next());
            foreach (var (_, t) in weights.Named()) t.DetachFromDisposeScope();
            weights.CheckShapes();
            return weights;
        }
        catch
        {
            foreach (var t in read) t.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Checks that the shapes are those of one model: W_hh [G·H, H] with G gate blocks (1 vanilla, 4 LSTM, 3 GRU) and
    /// H ≤ 4096, b_hh present exactly for a gated cell, and every other tensor sized by G, H, V and D.
    /// </summary>
    private void CheckShapes()
    {
        long h = Whh.shape[^1], v = Why.shape[0], input = Wxh.shape[^1];
        long gh = Whh.shape[0];
        bool fits = Whh.shape is [_, _] && h >= 1 && h <= MaximumHidden && gh % h == 0 && (gh / h) is 1 or 3 or 4
            && Wxh.shape is [var wh, _] && wh == gh
            && Bh.shape is [var bh] && bh == gh
            && (Bhh is null ? gh == h : Bhh.shape is [var bhh] && bhh == gh)
            && Why.shape is [_, var yh] && yh == h
            && By.shape is [var by] && by == v
            && (E is null ? input == v : E.shape is [var ev, var d] && ev == v && d == input && d <= MaximumHidden);
        if (!fits)
            throw new InvalidDataException($"weights of shapes {string.Join(", ", Named().Select(n => $"{n.Name} [{string.Join(", ", n.Value.shape)}]"))} do not form one model");
    }

    /// <summary>Largest hidden size and embedding width (the bounds of <see cref="ModelOptions"/>).</summary>
    private const long MaximumHidden = 4096;

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
