namespace RnnPipeline.Training.Text;

/// <summary>
/// Truncated-BPTT batches: the training text is cut into B equal segments read in parallel, T characters per window,
/// so that row b of consecutive windows continues the same text and the hidden state can be carried between them.
/// After the last full window of an epoch the streams start over (and the carried state is reset). Deterministic: the
/// whole state is <see cref="Cursor"/>.
/// </summary>
public sealed class WindowStream
{
    private readonly long[] _text;
    private readonly int _segment;

    /// <summary>Streams B.</summary>
    public int BatchSize { get; }

    /// <summary>Window length T.</summary>
    public int WindowLength { get; }

    /// <summary>Windows per epoch.</summary>
    public int WindowsPerEpoch { get; }

    /// <summary>Index of the next window within the epoch.</summary>
    public int Cursor { get; set; }

    /// <summary>Creates streams over <paramref name="text"/>; B is reduced when the text is too short for B segments.</summary>
    public WindowStream(long[] text, int batchSize, int windowLength)
    {
        _text = text;
        WindowLength = windowLength;
        BatchSize = Math.Max(1, Math.Min(batchSize, (text.Length - 1) / windowLength));
        _segment = (text.Length - 1) / BatchSize;
        WindowsPerEpoch = _segment / windowLength;
    }

    /// <summary>True when the next window starts a new epoch (the carried hidden state must be reset).</summary>
    public bool AtEpochStart => Cursor == 0;

    /// <summary>
    /// Fills <paramref name="inputs"/> and <paramref name="targets"/> (both [T, B], time-major) and advances; with
    /// <paramref name="textWeights"/> (one per text character) also each target's weight into <paramref name="weights"/>.
    /// </summary>
    public void Next(long[] inputs, long[] targets, float[]? textWeights = null, float[]? weights = null)
    {
        int t0 = Cursor * WindowLength;
        for (int t = 0; t < WindowLength; t++)
        for (int b = 0; b < BatchSize; b++)
        {
            int at = b * _segment + t0 + t;
            inputs[t * BatchSize + b] = _text[at];
            targets[t * BatchSize + b] = _text[at + 1];
            if (textWeights is not null) weights![t * BatchSize + b] = textWeights[at + 1];
        }
        Cursor = (Cursor + 1) % WindowsPerEpoch;
    }
}
