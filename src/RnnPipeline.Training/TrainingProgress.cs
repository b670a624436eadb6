namespace RnnPipeline.Training;

/// <summary>Progress after a step, for a person watching the run.</summary>
/// <param name="Step">The step that just ran (0-based).</param>
/// <param name="TotalSteps">Configured steps.</param>
/// <param name="Loss">Its training loss, nats/char (NaN after a non-finite step).</param>
/// <param name="BitsPerChar">Its bits per character.</param>
/// <param name="CharsPerSecond">Mean throughput of this process so far.</param>
/// <param name="ClipRate">Fraction of steps so far whose gradient was clipped.</param>
/// <param name="NonFiniteEvents">Non-finite events so far.</param>
/// <param name="ElapsedSeconds">Wall-clock seconds of this process so far.</param>
/// <param name="DiagnosticsSeconds">Of those, seconds spent on stability diagnostics (trace copies and analysis).</param>
public sealed record TrainingProgress(int Step, int TotalSteps, double Loss, double BitsPerChar,
    double CharsPerSecond, double ClipRate, int NonFiniteEvents, double ElapsedSeconds, double DiagnosticsSeconds);
