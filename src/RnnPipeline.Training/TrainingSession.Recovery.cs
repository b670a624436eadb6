using System.Globalization;
using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Training.Engine;

namespace RnnPipeline.Training;

public sealed partial class TrainingSession
{
    /// <summary>
    /// Applies the non-finite policy to a failed step (whose update is never applied) and records the event.
    /// Rollback restores weights, optimiser state, carried hidden state and data cursor of the last snapshot (the step
    /// counter keeps going: it counts optimiser attempts) and halves the learning rate. Returns true to halt.
    /// </summary>
    private bool Recover(int step, NonFiniteFault fault)
    {
        _events++;
        var policy = _events > _spec.NonFinite.MaxEvents ? NonFinitePolicy.Halt : _spec.NonFinite.Policy;
        string action;
        switch (policy)
        {
            case NonFinitePolicy.Halt:
                action = _events > _spec.NonFinite.MaxEvents ? $"halted after {_events} events (NonFinite.MaxEvents)" : "halted";
                break;
            case NonFinitePolicy.Shrink:
                double epsilon = _spec.NonFinite.ShrinkFactor;
                _state.Weights.Whh.mul_(1 - epsilon);
                action = string.Create(CultureInfo.InvariantCulture, $"update dropped, W_hh scaled by {1 - epsilon:G4}");
                break;
            case NonFinitePolicy.Rollback when _snapshot is not null:
                _state.CopyFrom(_snapshot);
                _lrScale /= 2;
                action = string.Create(CultureInfo.InvariantCulture, $"rolled back to step {_snapshot.Step}, learning rate halved to {LearningRate(step):G4}");
                break;
            case NonFinitePolicy.Rollback:
                _lrScale /= 2;
                action = string.Create(CultureInfo.InvariantCulture, $"no snapshot yet: update dropped, learning rate halved to {LearningRate(step):G4}");
                break;
            default:
                action = "update dropped";
                break;
        }
        if (policy != NonFinitePolicy.Halt)
        {
            if (policy != NonFinitePolicy.Rollback || _snapshot is null) _state.Hidden.zero_();
            _state.Step = step + 1;
        }
        _sink.OnNonFinite(new NonFiniteEvent(step, fault.Tensor, fault.Timestep, _spec.NonFinite.Policy, action, LearningRate(step)));
        return policy == NonFinitePolicy.Halt;
    }

    /// <summary>Keeps a copy of the current state, with the data cursor of the window it is about to train on.</summary>
    private void TakeSnapshot(int cursor)
    {
        if (_snapshot is null) _snapshot = _state.Clone(_spec.Training);
        else _snapshot.CopyFrom(_state);
        _snapshot.Cursor = cursor;
    }
}
