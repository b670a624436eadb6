using RnnPipeline.Diagnostics;
using RnnPipeline.Options;

namespace RnnPipeline.Worker.Jobs;

/// <summary>The result of one run of a suite.</summary>
/// <param name="Spec">The run's specification.</param>
/// <param name="Recording">Every record the run produced (empty when it failed before training).</param>
/// <param name="State">How it ended.</param>
/// <param name="Seconds">Wall-clock seconds spent in this process.</param>
/// <param name="Folder">The run's output folder.</param>
public sealed record RunOutcome(RunSpec Spec, RunRecording Recording, RunStatus State, double Seconds, string Folder);
