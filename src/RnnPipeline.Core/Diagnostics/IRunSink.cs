namespace RnnPipeline.Diagnostics;

/// <summary>
/// Receives the typed records of one run as training produces them. Training knows nothing else downstream. A sink
/// implements <see cref="Record"/> and takes the kinds it uses (by pattern matching), so a new record kind changes no
/// sink that ignores it.
/// </summary>
public interface IRunSink
{
    /// <summary>Takes one record (<see cref="IRunRecord"/> lists the kinds).</summary>
    void Record(IRunRecord record);
}
