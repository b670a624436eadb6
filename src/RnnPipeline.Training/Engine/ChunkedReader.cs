using RnnPipeline.Training.Model;
using static TorchSharp.torch;

namespace RnnPipeline.Training.Engine;

/// <summary>
/// Streams characters through a network without gradients: B parallel streams, read in chunks of at most C steps,
/// with the hidden state [B, H] carried from one chunk (and one <see cref="Read"/>) to the next. Each chunk's
/// activations are freed after it, so memory does not grow with the length read. The one loop behind evaluation,
/// sampling, next-character prediction and the featurizer's reading. Call inside a dispose scope and a
/// <see cref="TorchGuard"/> section.
/// </summary>
internal sealed class ChunkedReader(CharRnnNetwork network, int streams)
{
    private long[] _inputs = [];

    /// <summary>The carried state [B, S] (S = H, or 2H for the LSTM's (h, c)), zero at the start.</summary>
    public Tensor Hidden { get; } = zeros(streams, network.Weights.StateSize);

    /// <summary>
    /// Reads <paramref name="length"/> steps in chunks of at most <paramref name="chunk"/>: <paramref name="fill"/>
    /// writes the inputs of steps from..from+n−1 into its span (time-major: step t of stream s at t·B + s), then
    /// <paramref name="consume"/> sees that chunk's forward pass (its tensors die after it returns).
    /// </summary>
    public void Read(int length, int chunk, ChunkFill fill, Action<int, ForwardPass> consume)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunk);
        if (_inputs.Length < chunk * streams) _inputs = new long[chunk * streams];
        for (int from = 0; from < length; from += chunk)
        {
            TorchGuard.SafePoint();                                             // long reads let due collections run
            using var scope = NewDisposeScope();
            int n = Math.Min(chunk, length - from);
            fill(from, n, _inputs.AsSpan(0, n * streams));
            var pass = network.Forward(tensor(n * streams == _inputs.Length ? _inputs : _inputs[..(n * streams)], [n, streams]), Hidden);
            consume(from, pass);
            Hidden.copy_(pass.FinalState);
        }
    }
}

/// <summary>Writes the inputs of steps <c>from</c>..<c>from + n − 1</c> of every stream into <c>inputs</c> (time-major).</summary>
internal delegate void ChunkFill(int from, int n, Span<long> inputs);
