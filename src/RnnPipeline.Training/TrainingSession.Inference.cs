using RnnPipeline.Diagnostics;
using RnnPipeline.Training.Model;
using RnnPipeline.Training.Text;
using static TorchSharp.torch;

namespace RnnPipeline.Training;

public sealed partial class TrainingSession
{
    /// <summary>
    /// Validation loss at the current weights: up to <see cref="Options.TrainingOptions.EvalWindows"/> consecutive
    /// windows of the validation split, read as parallel streams with the hidden state carried between windows.
    /// </summary>
    public EvaluationRecord Evaluate()
    {
        using var guard = TorchGuard.Enter();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var stream = new WindowStream(_corpus.Validation, _spec.Training.BatchSize, _spec.Training.WindowLength);
        var inputs = new long[stream.WindowLength * stream.BatchSize];
        var targets = new long[inputs.Length];
        var hidden = zeros(stream.BatchSize, _network.Weights.Hidden);
        long[] shape = [stream.WindowLength, stream.BatchSize];
        double total = 0;
        int windows = Math.Min(_spec.Training.EvalWindows, stream.WindowsPerEpoch);
        for (int i = 0; i < windows; i++)
        {
            stream.Next(inputs, targets);
            var pass = _network.Forward(tensor(inputs, shape), hidden);
            total += CharRnnNetwork.Loss(pass, tensor(targets, shape)).item<float>();
            hidden = pass.Hidden[^1];
        }
        double loss = total / windows;
        return new EvaluationRecord(Step, loss, loss / Math.Log(2));
    }

    /// <summary>
    /// Probabilities of the next character after each of <paramref name="positions"/> − 1, i.e. the model's prediction
    /// of the character at each position, reading <paramref name="text"/> from the start as one stream. Rows are [V].
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A position is not inside the text (1 ≤ position &lt; length).</exception>
    public float[][] PredictNext(string text, IReadOnlyList<int> positions) => PredictNext([text], [positions])[0];

    /// <summary>Samples <paramref name="length"/> characters after <paramref name="prime"/> at <paramref name="temperature"/>.</summary>
    public string Sample(string prime, int length, double temperature, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(temperature);
        using var guard = TorchGuard.Enter();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var random = new Random(seed);
        var vocabulary = _corpus.Vocabulary;
        var hidden = zeros(1, _network.Weights.Hidden);
        var ids = vocabulary.Encode(prime.Length > 0 ? prime : "\n");
        var text = new System.Text.StringBuilder();
        Tensor logProbabilities = _network.Forward(tensor(ids, [ids.Length, 1]), hidden) is var first ? first.LogProbabilities[^1] : null!;
        hidden = first.Hidden[^1];
        for (int i = 0; i < length; i++)
        {
            var p = (logProbabilities / temperature).softmax(0).data<float>().ToArray();
            double u = random.NextDouble(), sum = 0;
            int next = p.Length - 1;
            for (int k = 0; k < p.Length; k++)
                if ((sum += p[k]) >= u) { next = k; break; }
            text.Append(vocabulary.Characters[next]);
            var pass = _network.Forward(tensor(new long[] { next }, [1, 1]), hidden);
            (logProbabilities, hidden) = (pass.LogProbabilities[0], pass.Hidden[^1]);
        }
        return text.ToString();
    }
}
