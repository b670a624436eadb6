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

/// <summary>Turns the progress of the runs of one batch into a line with their total throughput every few seconds.</summary>
internal sealed class BatchProgressReporter(ILogger logger, string runs, int count, TimeProvider clock, TimeSpan interval)
{
    private readonly double[] _charsPerSecond = new double[count];
    private long _last = clock.GetTimestamp();

    public void Report(int run, TrainingProgress p)
    {
        _charsPerSecond[run] = p.CharsPerSecond;
        if (clock.GetElapsedTime(_last) < interval) return;
        _last = clock.GetTimestamp();
        Log.BatchProgress(logger, count, runs, _charsPerSecond.Sum());
    }
}
