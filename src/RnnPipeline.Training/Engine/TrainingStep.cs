using System.Diagnostics;
using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Training.Diagnostics;
using RnnPipeline.Training.Model;
using RnnPipeline.Training.Optim;
using static TorchSharp.torch;

namespace RnnPipeline.Training.Engine;

/// <summary>What a step did to one run: its loss (NaN when the step failed its non-finite check) and whether the run halts.</summary>
internal readonly record struct StepOutcome(double Loss, bool Halted);

/// <summary>
/// The training step, for R runs of one shape at once (a run alone: R = 1 over views of its own tensors). Every tensor
/// operation covers all runs over a leading run axis; only what a run decides for itself (a fault and its recovery,
/// snapshots, clipping, diagnostics, records) is per run, so a run gives the same bits alone and stacked.
/// </summary>
internal static class TrainingStep
{
    /// <summary>
    /// One step of each of <paramref name="runs"/>: batch → forward and backward → per run: loss → non-finite check →
    /// gradients → norm → clip → update → records. <paramref name="mark"/> (the benchmark's phase timer) is told the end
    /// of each phase by name.
    /// </summary>
    public static StepOutcome[] Run(IReadOnlyList<TrainingRun> runs, Action<string>? mark = null) => TorchGuard.Run(() =>
    {
        using var scope = NewDisposeScope();
        long started = Stopwatch.GetTimestamp();
        int count = runs.Count;

        // ---- batch: each run's next window, stacked over the run axis [R, T, B] ----
        var windows = runs.Select(run => run.NextWindow()).ToArray();
        var (inputs, targets) = (stack(windows.Select(w => w.Inputs)), stack(windows.Select(w => w.Targets)));
        var lossWeights = windows[0].LossWeights is null ? null : stack(windows.Select(w => w.LossWeights!));
        var weights = new StackedWeights([.. runs.Select(run => run.Network.Weights)]);
        var first = runs[0].Network;
        var layer = first.Cell == RecurrentCell.Rnn ? Recurrence.Over(weights, first.Activation) : first.Layer;
        mark?.Invoke("batch");

        // ---- forward and backward, every run at once ----
        var pass = layer.Forward(inputs, stack(runs.Select(run => run.State.Hidden)), windows.Max(w => w.Keep), mark);
        float[] losses = Recurrence.Losses(pass, targets, lossWeights).data<float>().ToArray();
        mark?.Invoke("head + loss");                                            // the head ran at the end of Forward
        var grads = layer.Backward(pass, targets, lossWeights, mark);
        double[] norms = GradientClipper.GlobalNorms(grads.Parameters);

        // ---- per run: non-finite check → rollback snapshot → diagnostics trace → clip (nothing is updated yet) ----
        var planned = new PlannedUpdate?[count];
        var outcomes = new StepOutcome[count];
        for (int r = 0; r < count; r++)
        {
            var (run, window, own) = (runs[r], windows[r], pass.Run(r, windows[r].Keep));
            var fault = NonFiniteGuard.Forward(losses[r], own.Hidden)
                ?? (double.IsFinite(norms[r]) ? null : NonFiniteGuard.Gradients(grads.Names.Zip(grads.OfRun(r))));
            if (fault is not null)
            {
                outcomes[r] = new StepOutcome(double.NaN, Recover(run, window.Step, fault));   // the step ends without an update
                continue;
            }
            run.Recovery.SnapshotIfDue(window.Step, window.Cursor);                // a state just shown to give a finite step
            (RecurrentTrace Window, RecurrentTrace? Analysis)? trace = run.DiagnosticsDue(window.Step)   // before the update changes W_hh
                ? Timed(run, () => AnalysisSequence.Traces(run.Network, own, grads.Local[r], grads.Delta[r], run.Corpus.Validation,
                    run.Spec.Diagnostics))
                : null;
            var (clip, scale) = GradientClipper.Plan(window.Step, grads.OfRun(r), norms[r], run.Spec.Clipping);   // by value: in place
            planned[r] = new PlannedUpdate(run.LearningRate(window.Step), clip, scale, trace);
        }
        mark?.Invoke("norm + clipping");

        // ---- update: one stacked update when every run passed and all share one rule, else each passing run alone ----
        if (planned.Any(p => p is { Scale: not 1 })) GradientClipper.Scale(grads.Parameters, [.. planned.Select(p => p?.Scale ?? 1)]);
        if (planned.All(p => p is not null) && runs.All(run => run.State.Optimizer.Kind == runs[0].State.Optimizer.Kind))
            Optimizer.Step([.. runs.Select(run => run.State.Optimizer)], weights, grads.Parameters, [.. planned.Select(p => p!.LearningRate)]);
        else
            for (int r = 0; r < count; r++)
                if (planned[r] is { } p)
                    Optimizer.Step([runs[r].State.Optimizer], new StackedWeights([runs[r].Network.Weights]), grads.OfRun(r), [p.LearningRate]);
        mark?.Invoke("optimiser");

        // ---- per run: carried state, step count, records and diagnostics (nothing below changes the weights) ----
        float[] flow = grads.FlowNorms();                                      // R·T, run-major
        int steps = flow.Length / count;
        for (int r = 0; r < count; r++)
        {
            if (planned[r] is not { } p) continue;
            var (run, step, loss) = (runs[r], windows[r].Step, losses[r]);
            run.State.Hidden.copy_(pass.Run(r, windows[r].Keep).FinalState);
            run.State.Step++;
            run.Clipped += p.Clip.Clipped ? 1 : 0;
            double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            run.Sink.Record(new TrainingMetric(step, loss, loss / Math.Log(2), p.LearningRate, run.CharactersPerStep / seconds,
                run.ElapsedSeconds));
            run.Sink.Record(p.Clip);
            run.Sink.Record(new GradientFlowRecord(step, flow.AsSpan(r * steps, steps).ToArray()));
            if (p.Trace is { } trace && Timed(run, () => run.Analyzer.Analyze(step, trace.Window, trace.Analysis)) is { } snapshot)
                run.Sink.Record(snapshot);
            if (run.EvaluationDue) RecordEvaluation(run, step, p.LearningRate);
            outcomes[r] = new StepOutcome(loss, false);
        }
        mark?.Invoke("carry + gradient-flow record");
        return outcomes;
    });

    /// <summary>A run's update between its checks and the optimiser: learning rate, clipping (record and norm scale) and diagnostics trace.</summary>
    private sealed record PlannedUpdate(double LearningRate, ClipRecord Clip, double Scale, (RecurrentTrace Window, RecurrentTrace? Analysis)? Trace);

    /// <summary>Applies the run's non-finite policy to failed step <paramref name="step"/> and records the event; true to halt.</summary>
    private static bool Recover(TrainingRun run, int step, NonFiniteFault fault)
    {
        var (nonFinite, halt) = run.Recovery.Recover(step, fault, run.LearningRate);
        run.Sink.Record(nonFinite);
        return halt;
    }

    /// <summary>Records a validation result, or a non-finite event when the validation loss is not finite.</summary>
    private static void RecordEvaluation(TrainingRun run, int step, double lr)
    {
        var evaluation = run.Evaluate();
        if (double.IsFinite(evaluation.Loss)) run.Sink.Record(evaluation);
        else run.Sink.Record(new NonFiniteEvent(step, "validation loss", -1, run.Spec.NonFinite.Policy, "evaluation not recorded", lr));
    }

    /// <summary>Runs diagnostics work, adding its time to the run's <see cref="TrainingRun.DiagnosticsSeconds"/>.</summary>
    private static T Timed<T>(TrainingRun run, Func<T> work)
    {
        long started = Stopwatch.GetTimestamp();
        var result = work();
        run.DiagnosticsSeconds += Stopwatch.GetElapsedTime(started).TotalSeconds;
        return result;
    }
}
