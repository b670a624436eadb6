using RnnPipeline.Training;

namespace RnnPipeline.Worker.Jobs;

/// <summary>Turns per-step progress into a log line every few seconds (and at the last step).</summary>
internal sealed class ProgressReporter(ILogger logger, string run, TimeProvider clock, TimeSpan interval)
{
    private long _last = clock.GetTimestamp();

    public void Report(TrainingProgress p)
    {
        bool last = p.Step + 1 >= p.TotalSteps;
        if (!last && clock.GetElapsedTime(_last) < interval) return;
        _last = clock.GetTimestamp();
        int done = p.Step + 1;
        double secondsPerStep = p.ElapsedSeconds / Math.Max(1, done);
        var eta = TimeSpan.FromSeconds(Math.Max(0, p.TotalSteps - done) * secondsPerStep);
        Log.Progress(logger, run, done, p.TotalSteps, 100.0 * done / Math.Max(1, p.TotalSteps), p.Loss, p.BitsPerChar,
            p.CharsPerSecond, eta.ToString(eta.TotalHours >= 1 ? @"h\:mm\:ss" : @"m\:ss", System.Globalization.CultureInfo.InvariantCulture),
            100 * p.ClipRate, p.NonFiniteEvents);
    }
}

/// <summary>
/// The suite's throughput while runs train (alone, in parallel or in batches): every few seconds, the number of runs
/// training and the sum of their chars/s. Thread-safe.
/// </summary>
internal sealed class ThroughputReporter(ILogger logger, TimeProvider clock, TimeSpan interval)
{
    private readonly Dictionary<string, double> _charsPerSecond = [];
    private long _last = clock.GetTimestamp();

    public void Report(string run, TrainingProgress p)
    {
        lock (_charsPerSecond)
        {
            _charsPerSecond[run] = p.CharsPerSecond;
            if (clock.GetElapsedTime(_last) < interval) return;
            _last = clock.GetTimestamp();
            Log.Throughput(logger, _charsPerSecond.Count, _charsPerSecond.Values.Sum());
        }
    }

    /// <summary>The run stopped training: it no longer counts.</summary>
    public void Finished(string run)
    {
        lock (_charsPerSecond) _charsPerSecond.Remove(run);
    }
}
