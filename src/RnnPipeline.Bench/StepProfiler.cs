using RnnPipeline.Options;
using RnnPipeline.Training;
using RnnPipeline.Training.Diagnostics;
using RnnPipeline.Training.Engine;
using RnnPipeline.Training.Model;
using RnnPipeline.Training.Text;
using static TorchSharp.torch;

namespace RnnPipeline.Bench;

/// <summary>
/// Where the time of one training step goes: the training step itself (<see cref="TrainingStep.Run"/>) of a run of
/// its own, with a <see cref="PhaseTimer"/> told the end of each phase (batch, the <see cref="Recurrence"/>'s forward
/// and backward phases, loss, norm and clipping, optimiser, carried state and records).
/// </summary>
internal sealed class StepProfiler : IDisposable
{
    private readonly TrainingSession _session;

    /// <summary>A run of <paramref name="spec"/> on <paramref name="corpus"/>, initialised as <see cref="TrainingSession.Create"/> does (records are discarded).</summary>
    public StepProfiler(RunSpec spec, CharCorpus corpus) => _session = TrainingSession.Create(spec, corpus, new DiscardingSink());

    /// <summary>The weights being trained.</summary>
    public CharRnnWeights Weights => _session.Network.Weights;

    /// <summary>Phase times of the steps run so far.</summary>
    public PhaseTimer Timer { get; } = new();

    /// <summary>Runs one timed training step.</summary>
    public void Step()
    {
        Timer.Start();
        TrainingStep.Run([_session.Run], Timer.Mark);
    }

    /// <summary>
    /// One stability analysis at the current weights on the next window, as an analysed step runs it (untimed forward
    /// and backward pass, then timed into <paramref name="timer"/>: the traces with the analysis sequence, then
    /// <see cref="StabilityAnalyzer.Analyze"/>).
    /// </summary>
    public void Analyze(PhaseTimer timer) => TorchGuard.Run(() =>
    {
        using var scope = NewDisposeScope();
        var run = _session.Run;
        var window = run.NextWindow();
        var pass = run.Network.Forward(window.Inputs, run.State.Hidden, run.Spec.Diagnostics.ProbeSequences);
        var grads = run.Network.Layer.Backward(StackedPass.Of(pass), window.Targets.unsqueeze(0));
        timer.Start();
        var (trace, analysis) = AnalysisSequence.Traces(run.Network, pass, grads.Local[0], grads.Delta[0], run.Corpus.Validation, run.Spec.Diagnostics);
        timer.Mark("trace + analysis sequence");
        run.Analyzer.Analyze(0, trace, analysis);
        timer.Mark("stability analysis");
    });

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
