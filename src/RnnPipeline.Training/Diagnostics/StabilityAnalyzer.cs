using RnnPipeline.Diagnostics;
using RnnPipeline.Options;

namespace RnnPipeline.Training.Diagnostics;

/// <summary>Turns a <see cref="RecurrentTrace"/> into the stability records of one logged step.</summary>
public sealed class StabilityAnalyzer(DiagnosticsOptions options)
{
    /// <summary>Options in force.</summary>
    public DiagnosticsOptions Options { get; } = options;

    /// <summary>Computes every stability quantity of <paramref name="trace"/> at optimiser step <paramref name="step"/>.</summary>
    public StabilitySnapshot Analyze(int step, RecurrentTrace trace) =>
        throw new NotImplementedException("contract only: implemented by the diagnostics work");
}
