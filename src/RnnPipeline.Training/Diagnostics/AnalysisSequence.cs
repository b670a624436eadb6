using RnnPipeline.Options;
using RnnPipeline.Training.Model;
using static RnnPipeline.Training.OwnedScalars;
using static TorchSharp.torch;

namespace RnnPipeline.Training.Diagnostics;

/// <summary>
/// The long sequence on which lag quantities (gradient reaching T−k, memory horizon, products and bound, Lyapunov
/// exponents) are measured, so they are not capped by the training window: P stretches of the validation text, run
/// through the current weights from h = 0, whose first <c>burnIn</c> steps only settle the hidden state.
/// </summary>
internal static class AnalysisSequence
{
    /// <summary>
    /// What a logged step hands to <see cref="StabilityAnalyzer.Analyze"/>: the training window's trace (from
    /// <paramref name="pass"/> and its backward's <paramref name="local"/> and <paramref name="delta"/>) and, with
    /// <see cref="DiagnosticsOptions.AnalysisLength"/> &gt; 0, the trace of the analysis sequence on
    /// <paramref name="validation"/>, both through the network's current weights.
    /// </summary>
    internal static (RecurrentTrace Window, RecurrentTrace? Analysis) Traces(CharRnnNetwork network, ForwardPass pass,
        Tensor local, Tensor delta, long[] validation, DiagnosticsOptions options) =>
        (RecurrentTrace.From(network, pass, local, delta),
         options.AnalysisLength > 0 ? Run(network, validation, options.ProbeSequences, options.BurnIn, options.AnalysisLength) : null);

    /// <summary>
    /// The trace of <paramref name="length"/> steps after <paramref name="burnIn"/> steps for <paramref name="sequences"/>
    /// stretches of <paramref name="text"/> starting at evenly spaced offsets (read cyclically when the text is short), so
    /// the same weights always give the same trace. Only the last step carries a local gradient (∂L_{T−1}/∂h_{T−1}
    /// through the head), which is all the lag quantities use; the total gradient is not recorded (zeros).
    /// </summary>
    public static RecurrentTrace Run(CharRnnNetwork network, long[] text, int sequences, int burnIn, int length)
    {
        using var _ = no_grad();
        int total = burnIn + length, n = text.Length;
        var inputs = new long[total * sequences];
        var targets = new long[sequences];
        for (int s = 0; s < sequences; s++)
        {
            long start = (long)s * n / sequences;
            for (int t = 0; t < total; t++) inputs[t * sequences + s] = text[(start + t) % n];
            targets[s] = text[(start + total) % n];
        }
        var h0 = zeros(sequences, network.Weights.StateSize, dtype: network.Weights.Whh.dtype);
        var pass = network.Forward(tensor(inputs, [total, sequences]), h0, sequences);
        var hidden = cat([h0.unsqueeze(0), pass.States], 0)[burnIn..];                 // s_{−1} is the state after burn-in
        var logits = pass.LogProbabilities.view(total, sequences, -1)[^1];
        var dlogits = logits.exp().scatter_add_(1, tensor(targets).view(-1, 1), full(sequences, 1, MinusOneDouble, dtype: logits.dtype));
        var local = zeros(length, sequences, network.Weights.StateSize, dtype: h0.dtype);
        local[^1].narrow(-1, 0, network.Weights.Hidden).copy_(dlogits.matmul(network.Weights.Why));   // (p − onehot)·W_hy on h
        return new RecurrentTrace(network.Activation, network.Weights.Whh.clone(), pass.PreActivations![burnIn..].clone(),
            hidden.clone(), local, zeros_like(local)) { Cell = network.Cell };
    }
}
