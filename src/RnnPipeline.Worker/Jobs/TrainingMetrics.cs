using System.Diagnostics;
using System.Diagnostics.Metrics;
using RnnPipeline.Diagnostics;

namespace RnnPipeline.Worker.Jobs;

/// <summary>
/// Live metrics of every training run, published through <c>System.Diagnostics.Metrics</c> as a meter named
/// <see cref="MeterName"/>: what <c>dotnet-counters monitor --counters RnnPipeline -p &lt;worker pid&gt;</c>,
/// OpenTelemetry exporters and Prometheus read while a suite trains. Every measurement carries the tags <c>run</c>
/// (the run's name), <c>unit</c> (activation/W_hh initialisation, e.g. "Relu/Identity") and <c>seed</c>.
/// </summary>
public static class TrainingMetrics
{
    /// <summary>Name of the meter.</summary>
    public const string MeterName = "RnnPipeline";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Steps = Meter.CreateCounter<long>("rnnpipeline.training.steps", "{step}", "Optimiser steps run");
    private static readonly Histogram<double> BitsPerChar = Meter.CreateHistogram<double>("rnnpipeline.training.bits_per_char", "bit/char", "Training loss of each step in bits per character");
    private static readonly Histogram<double> CharsPerSecond = Meter.CreateHistogram<double>("rnnpipeline.training.chars_per_second", "char/s", "Training throughput of each step");
    private static readonly Histogram<double> GradientNorm = Meter.CreateHistogram<double>("rnnpipeline.training.gradient_norm", "1", "Global gradient norm of each step before clipping");
    private static readonly Counter<long> ClipEvents = Meter.CreateCounter<long>("rnnpipeline.training.clip_events", "{step}", "Steps whose gradient was clipped");
    private static readonly Counter<long> NonFiniteEvents = Meter.CreateCounter<long>("rnnpipeline.training.nonfinite_events", "{event}", "Inf/NaN events (loss, gradients, hidden states, validation)");
    private static readonly Counter<double> AnalysisSeconds = Meter.CreateCounter<double>("rnnpipeline.training.analysis_seconds", "s", "Seconds spent on stability diagnostics (trace copies and analysis)");
    private static readonly Histogram<double> ValidationBitsPerChar = Meter.CreateHistogram<double>("rnnpipeline.validation.bits_per_char", "bit/char", "Validation loss in bits per character");

    /// <summary>A training step's loss and throughput.</summary>
    public static void OnTrainingMetric(RunInfo run, TrainingMetric row)
    {
        var tags = Tags(run);
        Steps.Add(1, tags);
        if (double.IsFinite(row.BitsPerChar)) BitsPerChar.Record(row.BitsPerChar, tags);
        if (double.IsFinite(row.CharsPerSecond)) CharsPerSecond.Record(row.CharsPerSecond, tags);
    }

    /// <summary>A step's gradient norm before clipping, and whether clipping fired.</summary>
    public static void OnClip(RunInfo run, ClipRecord row)
    {
        var tags = Tags(run);
        if (double.IsFinite(row.PreClipNorm)) GradientNorm.Record(row.PreClipNorm, tags);
        if (row.Clipped) ClipEvents.Add(1, tags);
    }

    /// <summary>An Inf/NaN event.</summary>
    public static void OnNonFinite(RunInfo run) => NonFiniteEvents.Add(1, Tags(run));

    /// <summary>Time spent on stability diagnostics since <paramref name="before"/> seconds (a run's running total as progress reports it).</summary>
    public static void OnAnalysisTime(RunInfo run, double before, double now)
    {
        if (now > before) AnalysisSeconds.Add(now - before, Tags(run));
    }

    /// <summary>A validation result.</summary>
    public static void OnEvaluation(RunInfo run, EvaluationRecord row)
    {
        if (double.IsFinite(row.BitsPerChar)) ValidationBitsPerChar.Record(row.BitsPerChar, Tags(run));
    }

    private static TagList Tags(RunInfo run) => new()
    {
        { "run", run.Name },
        { "unit", $"{run.Activation}/{run.Init}" },
        { "seed", run.Seed },
    };
}
