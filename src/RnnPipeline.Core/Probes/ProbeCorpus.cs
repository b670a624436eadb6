namespace RnnPipeline.Probes;

/// <summary>A character whose correct prediction requires remembering a key <see cref="Lag"/> characters back.</summary>
/// <param name="Position">Index of the dependent character in the text.</param>
/// <param name="Expected">The dependent character (determined only by the key at Position − Lag).</param>
/// <param name="Lag">Distance in characters from the key to the dependent character.</param>
public sealed record ProbeTarget(int Position, char Expected, int Lag);

/// <summary>Generated probe text with the positions whose prediction measures long-range memory.</summary>
/// <param name="Text">The generated text.</param>
/// <param name="Candidates">
/// The possible dependent characters; accuracy is the argmax of the model's distribution restricted to them, so chance
/// is 1 / Candidates.Length whatever the model predicts about timing.
/// </param>
/// <param name="Targets">Every dependent character in the text, in order.</param>
public sealed record ProbeCorpus(string Text, string Candidates, IReadOnlyList<ProbeTarget> Targets)
{
    /// <summary>Chance accuracy.</summary>
    public double Chance => 1.0 / Candidates.Length;
}
