namespace RnnPipeline.Training.Text;

/// <summary>
/// Truncated-BPTT batches: the training text is cut into B equal segments read in parallel, T characters per window,
/// so that row b of consecutive windows continues the same text and the hidden state can be carried between them.
/// After the last full window of an epoch the streams start over (and the carried state is reset). Deterministic: the
/// whole state is <see cref="Cursor"/>.
/// <para>Over a text of episodes (<see cref="Episodes"/>) each row of a window is one whole episode instead, read from a
/// zero state: window c holds episodes c·B … c·B + B − 1, each episode's first T characters as inputs and its last T
/// as targets.</para>
/// </summary>
public sealed class WindowStream
{
    private readonly long[] _text;
    private readonly int _segment;
    private readonly int _episodeLength;

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

    private WindowStream(long[] text, int batchSize, int windowLength, int episodeLength)
    {
        _text = text;
        _episodeLength = episodeLength;
        WindowLength = windowLength;
        int episodes = text.Length / episodeLength;
        BatchSize = Math.Max(1, Math.Min(batchSize, episodes));
        WindowsPerEpoch = Math.Max(1, episodes / BatchSize);
    }

    /// <summary>
    /// Windows of whole episodes over <paramref name="text"/>, a sequence of episodes of <paramref name="episodeLength"/>
    /// characters each (T = episode length − 1); B is reduced when the text holds fewer than B episodes.
    /// </summary>
    /// <exception cref="ArgumentException">The text holds no whole episode.</exception>
    public static WindowStream OfEpisodes(long[] text, int batchSize, int episodeLength)
    {
        if (episodeLength < 2 || text.Length < episodeLength)
            throw new ArgumentException($"a text of {text.Length} characters holds no episode of {episodeLength}", nameof(text));
        return new WindowStream(text, batchSize, episodeLength - 1, episodeLength);
    }

    /// <summary>True when every window is rows of whole episodes, each read from a zero state.</summary>
    public bool Episodes => _episodeLength > 0;

    /// <summary>True when the next window starts a new epoch (the carried hidden state must be reset).</summary>
    public bool AtEpochStart => Cursor == 0;

    /// <summary>True when the hidden state must be zero before the next window: at an epoch start, or always over episodes.</summary>
    public bool ResetsState => Episodes || AtEpochStart;

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
            int at = Episodes ? (Cursor * BatchSize + b) * _episodeLength + t : b * _segment + t0 + t;
            inputs[t * BatchSize + b] = _text[at];
            targets[t * BatchSize + b] = _text[at + 1];
            if (textWeights is not null) weights![t * BatchSize + b] = textWeights[at + 1];
        }
        Cursor = (Cursor + 1) % WindowsPerEpoch;
    }
}
