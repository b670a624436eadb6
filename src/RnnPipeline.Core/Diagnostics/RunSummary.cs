using RnnPipeline.Statistics;

namespace RnnPipeline.Diagnostics;

/// <summary>The headline numbers of one run, as the summary table and the report show them.</summary>
/// <param name="Info">Run identity.</param>
/// <param name="Steps">Optimiser steps recorded.</param>
/// <param name="ValidationBitsPerChar">Last validation bits/char (NaN when never evaluated).</param>
/// <param name="ClipRate">Fraction of steps whose gradient was clipped.</param>
/// <param name="NonFiniteEvents">Inf/NaN events.</param>
/// <param name="MeanJacobianNorm">Mean ‖J_t‖₂ over the window at the last logged step (NaN without diagnostics).</param>
/// <param name="Lyapunov1">λ1 per step at the last logged step (NaN without diagnostics).</param>
/// <param name="MemoryHorizon">Memory horizon in steps at the last logged step (−1 without diagnostics).</param>
/// <param name="WindowLength">Length of the sequence the lag records were measured on: the analysis length, or the training window
/// without one (the horizon's ceiling; 0 without diagnostics).</param>
/// <param name="MaxSolvedLag">Largest probe lag this run solved: accuracy ≥ the threshold with its 95% Wilson interval
/// above chance (0 when none; null without probes). A unit's verdicts use its seeds instead (<see cref="Statistics.LagStatus"/>).</param>
public sealed record RunSummary(
    RunInfo Info, int Steps, double ValidationBitsPerChar, double ClipRate, int NonFiniteEvents,
    double MeanJacobianNorm, double Lyapunov1, int MemoryHorizon, int WindowLength, int? MaxSolvedLag)
{
    /// <summary>
    /// Summarises <paramref name="run"/>; a probe lag counts as solved at accuracy ≥ <paramref name="solvedThreshold"/>
    /// with its 95% Wilson interval above chance.
    /// </summary>
    public static RunSummary From(RunRecording run, double solvedThreshold)
    {
        var last = run.Stability.Count > 0 ? run.Stability.MaxBy(s => s.Step) : null;
        int window = last is null ? 0 : run.Lags.Count(l => l.Step == last.Step);
        int? solved = run.Probes.Count == 0
            ? null
            : run.FinalProbes.GroupBy(p => p.Lag).Select(g => PooledAccuracy.From(g.ToArray()))
                .Where(p => p.Mean >= solvedThreshold && p.Interval.Low > p.Chance).Select(p => p.Lag).DefaultIfEmpty(0).Max();
        return new RunSummary(
            run.Info,
            run.Metrics.Count == 0 ? 0 : run.Metrics.Max(m => m.Step) + 1,
            run.Evaluations.Count == 0 ? double.NaN : run.Evaluations.MaxBy(e => e.Step)!.BitsPerChar,
            run.Clips.Count == 0 ? 0 : (double)run.Clips.Count(c => c.Clipped) / run.Clips.Count,
            run.NonFinite.Count,
            last?.MeanJacobianNorm ?? double.NaN,
            last is { Lyapunov.Length: > 0 } ? last.Lyapunov[0] : double.NaN,
            last?.MemoryHorizon ?? -1,
            window,
            solved);
    }
}
