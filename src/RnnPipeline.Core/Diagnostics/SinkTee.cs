namespace RnnPipeline.Diagnostics;

/// <summary>Sends every record to each of several sinks, in order.</summary>
public sealed class SinkTee(params IRunSink[] sinks) : IRunSink
{
    /// <inheritdoc />
    public void Record(IRunRecord record)
    {
        foreach (var sink in sinks) sink.Record(record);
    }
}
