namespace RnnPipeline.Diagnostics;

/// <summary>An in-memory <see cref="IRunSink"/>: every record of one run, in arrival order. Thread-safe for one writer.</summary>
public sealed class RunRecording(RunInfo info) : IRunSink
{
    /// <summary>Identity of the run.</summary>
    public RunInfo Info { get; } = info;
    /// <summary>Per-step metrics.</summary>
    public List<TrainingMetric> Metrics { get; } = [];
    /// <summary>Per-step clip records.</summary>
    public List<ClipRecord> Clips { get; } = [];
    /// <summary>Per-step gradient flow through the window.</summary>
    public List<GradientFlowRecord> GradientFlow { get; } = [];
    /// <summary>Non-finite events.</summary>
    public List<NonFiniteEvent> NonFinite { get; } = [];
    /// <summary>Validation results.</summary>
    public List<EvaluationRecord> Evaluations { get; } = [];
    /// <summary>Stability summaries of logged steps.</summary>
    public List<StabilitySummary> Stability { get; } = [];
    /// <summary>Per-timestep stability rows of logged steps.</summary>
    public List<TimestepStats> Timesteps { get; } = [];
    /// <summary>Per-lag product rows of logged steps.</summary>
    public List<LagStats> Lags { get; } = [];
    /// <summary>Probe accuracies.</summary>
    public List<ProbeAccuracy> Probes { get; } = [];

    /// <inheritdoc />
    /// <exception cref="ArgumentException">A kind of record this recording has no list for.</exception>
    public void Record(IRunRecord record)
    {
        switch (record)
        {
            case TrainingMetric row: Metrics.Add(row); break;
            case ClipRecord row: Clips.Add(row); break;
            case GradientFlowRecord row: GradientFlow.Add(row); break;
            case NonFiniteEvent row: NonFinite.Add(row); break;
            case EvaluationRecord row: Evaluations.Add(row); break;
            case ProbeAccuracy row: Probes.Add(row); break;
            case StabilitySnapshot snapshot:
                Stability.Add(snapshot.Summary);
                Timesteps.AddRange(snapshot.Timesteps);
                Lags.AddRange(snapshot.Lags);
                break;
            default: throw new ArgumentException($"a RunRecording has no list for records of kind {record?.GetType().Name ?? "null"}", nameof(record));
        }
    }

    /// <summary>Appends every record of <paramref name="other"/> (e.g. the saved records of a run being resumed).</summary>
    public void Append(RunRecording other)
    {
        Metrics.AddRange(other.Metrics);
        Clips.AddRange(other.Clips);
        GradientFlow.AddRange(other.GradientFlow);
        NonFinite.AddRange(other.NonFinite);
        Evaluations.AddRange(other.Evaluations);
        Stability.AddRange(other.Stability);
        Timesteps.AddRange(other.Timesteps);
        Lags.AddRange(other.Lags);
        Probes.AddRange(other.Probes);
    }

    /// <summary>
    /// The probe accuracies scored after training: those of the largest step (earlier ones, with
    /// <see cref="Options.ProbeOptions.Every"/>, show learning over training).
    /// </summary>
    public IReadOnlyList<ProbeAccuracy> FinalProbes
    {
        get
        {
            int last = Probes.Count == 0 ? 0 : Probes.Max(p => p.Step);
            return Probes.Where(p => p.Step == last).ToArray();
        }
    }

    /// <summary>
    /// Drops every record with Step &gt; <paramref name="step"/> (probe accuracies are labelled with the number of steps
    /// trained, so those after step + 1) — used when a run resumes from a checkpoint.
    /// </summary>
    public void TruncateAfter(int step)
    {
        Probes.RemoveAll(p => p.Step > step + 1);
        Metrics.RemoveAll(r => r.Step > step);
        Clips.RemoveAll(r => r.Step > step);
        GradientFlow.RemoveAll(r => r.Step > step);
        NonFinite.RemoveAll(r => r.Step > step);
        // Evaluations are labelled with the number of steps trained when they ran: step + 1 ran right after step.
        Evaluations.RemoveAll(r => r.Step > step + 1);
        Stability.RemoveAll(r => r.Step > step);
        Timesteps.RemoveAll(r => r.Step > step);
        Lags.RemoveAll(r => r.Step > step);
    }
}
