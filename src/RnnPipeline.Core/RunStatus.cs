namespace RnnPipeline;

/// <summary>
/// How a run ended: what training returns (<see cref="Completed"/>, <see cref="Halted"/> or <see cref="Cancelled"/>)
/// and, with <see cref="Failed"/>, what a host records in the run's state file.
/// </summary>
public enum RunStatus
{
    /// <summary>Every configured step ran.</summary>
    Completed,
    /// <summary>The non-finite policy stopped the run (Halt, or too many events); results kept.</summary>
    Halted,
    /// <summary>Cancellation was requested; the current step finished first, and the run can continue with --resume.</summary>
    Cancelled,
    /// <summary>An unexpected error stopped the run (the host's log has it).</summary>
    Failed,
}
