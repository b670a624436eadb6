using RnnPipeline.Diagnostics;
using RnnPipeline.Training.Engine;
using RnnPipeline.Training.Model;
using static RnnPipeline.Training.OwnedScalars;
using static TorchSharp.torch;

namespace RnnPipeline.Training;

public sealed partial class TrainingSession
{
    /// <summary>
    /// Validation loss at the current weights: up to <see cref="Options.TrainingOptions.EvalWindows"/> consecutive
    /// windows of the validation split, read as parallel streams with the hidden state carried between windows (over
    /// episodes: each from zero), counting the characters the training loss counts.
    /// </summary>
    public EvaluationRecord Evaluate() => TorchGuard.Run(_run.Evaluate);

    /// <summary>
    /// Probabilities of the next character after each of <paramref name="positions"/> − 1, i.e. the model's prediction
    /// of the character at each position, reading <paramref name="text"/> from the start as one stream. Rows are [V].
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A position is not inside the text (1 ≤ position &lt; length).</exception>
    public float[][] PredictNext(string text, IReadOnlyList<int> positions) => PredictNext([text], [positions])[0];

    /// <summary>
    /// Probabilities of the next character after each position − 1 of each text, i.e. the model's prediction of the
    /// character at each of <paramref name="positions"/>[s] in <paramref name="texts"/>[s]. Every text is read from the
    /// start as its own stream (hidden state from zero), all texts side by side as one batch; shorter texts are padded at
    /// their end, which no prediction inside them can see. Rows are [V]; the result is indexed [text][position].
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A position is not inside its text (1 ≤ position &lt; length).</exception>
    public float[][][] PredictNext(IReadOnlyList<string> texts, IReadOnlyList<IReadOnlyList<int>> positions)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(positions.Count, texts.Count);
        int batch = texts.Count;
        var rows = positions.Select(p => new float[p.Count][]).ToArray();
        var wanted = new Dictionary<int, List<(int Text, int Index)>>();       // time step → the rows it predicts
        for (int s = 0; s < batch; s++)
            for (int i = 0; i < positions[s].Count; i++)
            {
                int p = positions[s][i];
                if (p < 1 || p >= texts[s].Length) throw new ArgumentOutOfRangeException(nameof(positions), p, $"position outside text {s}");
                (wanted.TryGetValue(p - 1, out var list) ? list : wanted[p - 1] = []).Add((s, i));
            }
        if (batch == 0 || wanted.Count == 0) return rows;

        var ids = texts.Select(_run.Corpus.Vocabulary.Encode).ToArray();
        int vocabulary = _run.Corpus.Vocabulary.Size;
        TorchGuard.Run(() =>
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            new ChunkedReader(_run.Network, batch).Read(wanted.Keys.Max() + 1, 256,
                (from, n, inputs) =>
                {
                    for (int t = 0; t < n; t++)
                        for (int s = 0; s < batch; s++)
                            inputs[t * batch + s] = from + t < ids[s].Length ? ids[s][from + t] : 0;
                },
                (from, pass) =>
                {
                    float[]? probabilities = null;                              // [T·B, V], copied once per chunk
                    for (long t = 0, length = pass.Inputs.shape[0]; t < length; t++)
                    {
                        if (!wanted.TryGetValue(from + (int)t, out var list)) continue;
                        probabilities ??= pass.LogProbabilities.exp().data<float>().ToArray();
                        foreach (var (s, i) in list) rows[s][i] = probabilities.AsSpan((int)(t * batch + s) * vocabulary, vocabulary).ToArray();
                    }
                });
        });
        return rows;
    }

    /// <summary>Samples <paramref name="length"/> characters after <paramref name="prime"/> at <paramref name="temperature"/>.</summary>
    public string Sample(string prime, int length, double temperature, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(temperature);
        var random = new Random(seed);
        var vocabulary = _run.Corpus.Vocabulary;
        var ids = vocabulary.Encode(prime.Length > 0 ? prime : "\n");
        var text = new System.Text.StringBuilder();
        float[] p = [];                                                         // p(next char) after what was read
        TorchGuard.Run(() =>
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var reader = new ChunkedReader(_run.Network, 1);
            void Next(ForwardPass pass) => p = With(temperature, s => pass.LogProbabilities[^1].div(s)).softmax(0).data<float>().ToArray();
            reader.Read(ids.Length, ids.Length, (_, _, inputs) => ids.CopyTo(inputs), (_, pass) => Next(pass));
            reader.Read(length, 1, (_, _, inputs) =>
            {
                double u = random.NextDouble(), sum = 0;
                int next = p.Length - 1;
                for (int k = 0; k < p.Length; k++)
                    if ((sum += p[k]) >= u) { next = k; break; }
                text.Append(vocabulary.Characters[next]);
                inputs[0] = next;
            }, (_, pass) => Next(pass));
        });
        return text.ToString();
    }
}
