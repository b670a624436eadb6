using System.Globalization;
using RnnPipeline.Diagnostics;
using RnnPipeline.IO;
using RnnPipeline.Options;
using static RnnPipeline.Training.OwnedScalars;

namespace RnnPipeline.Training.Engine;

/// <summary>
/// Applies a run's non-finite policy (<see cref="NonFiniteOptions"/>) to steps that produced an Inf/NaN, and keeps what
/// the policy needs: the rollback snapshot, the learning-rate scale (½ per rollback) and the count of events.
/// </summary>
internal sealed class NonFiniteRecovery(RunSpec spec, TrainingState state) : IDisposable
{
    private TrainingState? _snapshot;

    /// <summary>The factor on the scheduled learning rate: ½ per rollback or rollback without snapshot.</summary>
    public double LearningRateScale { get; private set; } = 1;

    /// <summary>Non-finite events so far.</summary>
    public int Events { get; private set; }

    /// <summary>
    /// Under the Rollback policy, every <see cref="NonFiniteOptions.SnapshotEvery"/> steps keeps a copy of the state
    /// (just shown to give a finite step), with the data cursor of the window it trained on.
    /// </summary>
    public void SnapshotIfDue(int step, int cursor)
    {
        if (spec.NonFinite.Policy != NonFinitePolicy.Rollback || step % spec.NonFinite.SnapshotEvery != 0) return;
        if (_snapshot is null) _snapshot = state.Clone(spec.Training);
        else _snapshot.CopyFrom(state);
        _snapshot.Cursor = cursor;
    }

    /// <summary>
    /// Applies the policy to failed step <paramref name="step"/> (whose update is never applied) and returns the event
    /// to record and whether to halt. Rollback restores weights, optimiser state, carried hidden state and data cursor of
    /// the last snapshot (the step counter keeps going: it counts optimiser attempts) and halves the learning rate;
    /// <paramref name="learningRate"/> gives the rate of a step after the change.
    /// </summary>
    public (NonFiniteEvent Event, bool Halt) Recover(int step, NonFiniteFault fault, Func<int, double> learningRate)
    {
        Events++;
        var policy = Events > spec.NonFinite.MaxEvents ? NonFinitePolicy.Halt : spec.NonFinite.Policy;
        string action;
        switch (policy)
        {
            case NonFinitePolicy.Halt:
                action = Events > spec.NonFinite.MaxEvents ? $"halted after {Events} events (NonFinite.MaxEvents)" : "halted";
                break;
            case NonFinitePolicy.Shrink:
                double epsilon = spec.NonFinite.ShrinkFactor;
                With(1 - epsilon, state.Weights.Whh.mul_);
                action = string.Create(CultureInfo.InvariantCulture, $"update dropped, W_hh scaled by {1 - epsilon:G4}");
                break;
            case NonFinitePolicy.Rollback when _snapshot is not null:
                state.CopyFrom(_snapshot);
                LearningRateScale /= 2;
                action = string.Create(CultureInfo.InvariantCulture, $"rolled back to step {_snapshot.Step}, learning rate halved to {learningRate(step):G4}");
                break;
            case NonFinitePolicy.Rollback:
                LearningRateScale /= 2;
                action = string.Create(CultureInfo.InvariantCulture, $"no snapshot yet: update dropped, learning rate halved to {learningRate(step):G4}");
                break;
            default:
                action = "update dropped";
                break;
        }
        if (policy != NonFinitePolicy.Halt)
        {
            if (policy != NonFinitePolicy.Rollback || _snapshot is null) state.Hidden.zero_();
            state.Step = step + 1;
        }
        return (new NonFiniteEvent(step, fault.Tensor, fault.Timestep, spec.NonFinite.Policy, action, learningRate(step)), policy == NonFinitePolicy.Halt);
    }

    /// <summary>Writes the learning-rate scale and the event count, and the snapshot if there is one (under <see cref="PersistedSections.Snapshot"/>).</summary>
    public void Write(SectionFileWriter file)
    {
        file.Add(PersistedSections.Recovery, writer =>
        {
            writer.Write(LearningRateScale);
            writer.Write(Events);
        });
        _snapshot?.Write(file, PersistedSections.Snapshot);
    }

    /// <summary>Reads what <see cref="Write"/> wrote.</summary>
    public void Read(SectionFileReader file)
    {
        (LearningRateScale, Events) = file.Read(PersistedSections.Recovery, reader => (reader.ReadDouble(), reader.ReadInt32()));
        if (!file.Contains(PersistedSections.Snapshot + PersistedSections.Cursor)) return;
        _snapshot ??= state.Clone(spec.Training);
        _snapshot.Read(file, PersistedSections.Snapshot);
    }

    /// <inheritdoc />
    public void Dispose() => _snapshot?.Dispose();
}
