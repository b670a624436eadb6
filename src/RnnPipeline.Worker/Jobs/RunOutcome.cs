using RnnPipeline.Diagnostics;
using RnnPipeline.Options;

namespace RnnPipeline.Worker.Jobs;

/// <summary>How a run ended.</summary>
public enum RunState
{
    /// <summary>All steps trained.</summary>
    Completed,
    /// <summary>Stopped early by the non-finite policy (Halt, or too many events); results kept.</summary>
    Halted,
    /// <summary>Interrupted; checkpointed for --resume.</summary>
    Cancelled,
    /// <summary>An unexpected error; see the log.</summary>
    Failed,
}

/// <summary>The result of one run of a suite.</summary>
/// <param name="Spec">The run's specification.</param>
/// <param name="Recording">Every record the run produced (empty when it failed before training).</param>
/// <param name="State">How it ended.</param>
/// <param name="Seconds">Wall-clock seconds spent in this process.</param>
/// <param name="Folder">The run's output folder.</param>
public sealed record RunOutcome(RunSpec Spec, RunRecording Recording, RunState State, double Seconds, string Folder);
