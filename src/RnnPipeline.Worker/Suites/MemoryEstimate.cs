using System.Globalization;
using RnnPipeline.Options;

namespace RnnPipeline.Worker.Suites;

/// <summary>One part of a run's memory: what it holds, its size in bytes, and the settings that make it smaller.</summary>
/// <param name="Name">What the memory holds.</param>
/// <param name="Bytes">Estimated size.</param>
/// <param name="Lower">The settings to lower to shrink it.</param>
public sealed record MemoryTerm(string Name, double Bytes, string Lower);

/// <summary>
/// A run's peak memory estimated from its shape alone, before anything is allocated: the text, the weights with their
/// gradients and two Adam moments, plus the largest of the phases that run one at a time — a training window's
/// activations and gradients, the analysis sequence and its Jacobian products, the validation windows (evaluated under
/// one dispose scope, so they add up) and the probe evaluation. Per character position a forward pass keeps the input
/// (embedding or one-hot, width E), the pre-activation and hidden state (2H) and the logits, probabilities and
/// log-probabilities (3V); a gated cell (G gate blocks) holds G times the recurrent and input weights, the values its
/// autograd backward keeps, and explicit Jacobians of its state (2H wide for the LSTM). It errs on the high side: it exists to refuse a run that cannot fit, in a second rather than
/// after minutes of training.
/// </summary>
public sealed class MemoryEstimate
{
    private const double Float = 4, Double = 8;

    /// <summary>The always-present terms (text, weights) and the phase terms, of which only the largest is counted.</summary>
    public MemoryEstimate(RunSpec run, int vocabulary, long textLength, long validationLength, long probeEvaluationLength)
    {
        double h = run.Model.HiddenSize, v = vocabulary, e = run.Model.EmbeddingSize > 0 ? run.Model.EmbeddingSize : vocabulary;
        double b = run.Training.BatchSize, t = run.SequenceLength;
        bool gated = run.Model.Cell != RecurrentCell.Rnn;
        double gates = run.Model.Cell switch { RecurrentCell.Lstm => 4, RecurrentCell.Gru => 3, _ => 1 };
        double state = run.Model.Cell == RecurrentCell.Lstm ? 2 * h : h;                // S, the state the Jacobians act on
        // A gated cell keeps its gates' values for autograd: about 12 values of width H per position instead of 2.
        double perPosition = Float * (e + (gated ? 12 : 2) * h + 3 * v);
        double parameters = (run.Model.EmbeddingSize > 0 ? v * e : 0) + gates * (e * h + h * h + (gated ? 2 : 1) * h) + h * v + v;
        var d = run.Diagnostics;
        double diagnostics = d.UseFloat64 ? Double : Float;
        bool analysed = d.Every is not 0;
        double windows = Math.Max(1, Math.Min(run.Training.EvalWindows, Math.Floor(validationLength / (b * t))));

        Base =
        [
            new("the text", textLength * (sizeof(char) + sizeof(long)), "a shorter Corpus text (Corpus.Path or Corpus.GeneratedLength)"),
            new("the weights, their gradients and optimizer state", 4 * Float * parameters, "Model.HiddenSize (or Model.EmbeddingSize)"),
        ];
        Phases =
        [
            new("a training window's activations and gradients", 2 * b * t * perPosition, "Training.BatchSize or Training.WindowLength"),
            new("the analysis sequence", analysed && d.AnalysisLength > 0
                ? (d.BurnIn + d.AnalysisLength) * d.ProbeSequences * (perPosition + 4 * h * diagnostics) : 0,
                "Diagnostics.AnalysisLength or Diagnostics.ProbeSequences"),
            new("the Jacobian products", analysed ? 3 * d.ProductSequences * state * state * Double + Math.Max(state * state, 1 << 20) * Double : 0,
                "Diagnostics.ProductSequences or Model.HiddenSize"),
            new("the validation windows", windows * b * t * perPosition, "Training.EvalWindows"),
            new("the probe evaluation", probeEvaluationLength * perPosition, "Probe.SamplesPerLag"),
            new("a gated cell's explicit Jacobians", analysed && gated ? (d.AnalysisLength > 0 ? d.AnalysisLength : t) * d.ProbeSequences * state * state * 3 * Double : 0,
                "Diagnostics.AnalysisLength or Diagnostics.ProbeSequences"),
        ];
    }

    /// <summary>Memory held for the whole run.</summary>
    public IReadOnlyList<MemoryTerm> Base { get; }

    /// <summary>Memory of the phases, which do not overlap.</summary>
    public IReadOnlyList<MemoryTerm> Phases { get; }

    /// <summary>The estimated peak in bytes: the base terms plus the largest phase.</summary>
    public double Peak => Base.Sum(x => x.Bytes) + Phases.Max(x => x.Bytes);

    /// <summary>The largest single term of the peak (the one to lower first).</summary>
    public MemoryTerm Dominant => Base.Append(Phases.MaxBy(x => x.Bytes)!).MaxBy(x => x.Bytes)!;

    /// <summary>The refusal line when <see cref="Peak"/> exceeds <paramref name="available"/> bytes, else null.</summary>
    public string? Refusal(double available, string source) => Peak <= available ? null :
        $"needs an estimated {Format(Peak)} of memory, more than the {Format(available)} available ({source}); " +
        $"the largest part is {Dominant.Name} ({Format(Dominant.Bytes)}): lower {Dominant.Lower}";

    /// <summary>Bytes in GiB or MiB with one decimal.</summary>
    public static string Format(double bytes) => bytes >= 1 << 30
        ? (bytes / (1 << 30)).ToString("F1", CultureInfo.InvariantCulture) + " GiB"
        : (bytes / (1 << 20)).ToString("F1", CultureInfo.InvariantCulture) + " MiB";
}
