using RnnPipeline.Diagnostics;

namespace RnnPipeline.Bench;

/// <summary>Keeps nothing: the benchmark measures training, not record storage.</summary>
internal sealed class DiscardingSink : IRunSink
{
    public void Record(IRunRecord record) { }
}
