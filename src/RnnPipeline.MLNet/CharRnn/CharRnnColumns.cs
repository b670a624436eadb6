namespace RnnPipeline.MLNet.CharRnn;

/// <summary>The columns a char-RNN featurizer reads and writes.</summary>
/// <param name="Input">Text column.</param>
/// <param name="Features">Output: pooled hidden states, a known-size Vector&lt;Single&gt;.</param>
/// <param name="BitsPerChar">Output: the model's bits per character on the row (Single).</param>
public sealed record CharRnnColumns(string Input, string Features, string BitsPerChar);
