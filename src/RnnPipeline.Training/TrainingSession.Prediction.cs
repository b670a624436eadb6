using static TorchSharp.torch;

namespace RnnPipeline.Training;

public sealed partial class TrainingSession
{
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

        using var guard = TorchGuard.Enter();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var ids = texts.Select(_corpus.Vocabulary.Encode).ToArray();
        int last = wanted.Keys.Max();
        int vocabulary = _corpus.Vocabulary.Size;
        var hidden = zeros(batch, _network.Weights.Hidden);
        const int chunk = 256;
        var inputs = new long[chunk * batch];
        for (int start = 0; start <= last; start += chunk)
        {
            using var step = NewDisposeScope();
            int length = Math.Min(chunk, last + 1 - start);
            for (int t = 0; t < length; t++)
                for (int s = 0; s < batch; s++)
                    inputs[t * batch + s] = start + t < ids[s].Length ? ids[s][start + t] : 0;
            var pass = _network.Forward(tensor(inputs[..(length * batch)], [length, batch]), hidden);
            hidden = pass.Hidden[^1].clone().MoveToOuterDisposeScope();
            float[]? probabilities = null;                                        // [T·B, V], copied once per chunk
            for (int t = 0; t < length; t++)
            {
                if (!wanted.TryGetValue(start + t, out var list)) continue;
                probabilities ??= pass.LogProbabilities.exp().data<float>().ToArray();
                foreach (var (s, i) in list) rows[s][i] = probabilities.AsSpan((t * batch + s) * vocabulary, vocabulary).ToArray();
            }
        }
        return rows;
    }
}
