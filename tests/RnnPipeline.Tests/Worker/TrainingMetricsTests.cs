using System.Diagnostics.Metrics;
using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Worker.Jobs;

namespace RnnPipeline.Tests.Worker;

public sealed class TrainingMetricsTests
{
    [Fact]
    public void Records_ArePublishedOnTheRnnPipelineMeter_WithRunUnitAndSeedTags()
    {
        var seen = new List<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == TrainingMetrics.MeterName) l.EnableMeasurementEvents(instrument); };
        void Add(Instrument i, double v, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var dictionary = new Dictionary<string, object?>();
            foreach (var (key, value) in tags) dictionary[key] = value;
            lock (seen) seen.Add((i.Name, v, dictionary));
        }
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        listener.Start();

        string run = $"metrics-{Guid.NewGuid():N}";                            // other tests may publish at the same time
        var info = RunInfo.For("suite", new RunSpec { Name = run, Model = { Activation = Activation.Relu, Init = RecurrentInit.Identity }, Training = { Seed = 7 } });
        TrainingMetrics.OnTrainingMetric(info, new TrainingMetric(0, 2.0, 2.885, 0.01, 123_000, 0.1));
        TrainingMetrics.OnTrainingMetric(info, new TrainingMetric(1, double.NaN, double.NaN, 0.01, 120_000, 0.2));
        TrainingMetrics.OnClip(info, new ClipRecord(0, 12.5, 5, 5, true, 0.4));
        TrainingMetrics.OnClip(info, new ClipRecord(1, 3.0, 3.0, 5, false, 1));
        TrainingMetrics.OnNonFinite(info);
        TrainingMetrics.OnEvaluation(info, new EvaluationRecord(1, 1.0, 1.44));
        TrainingMetrics.OnAnalysisTime(info, 0, 0.25);
        TrainingMetrics.OnAnalysisTime(info, 0.25, 0.25);                        // nothing new: nothing recorded

        var mine = seen.Where(s => (string?)s.Tags["run"] == run).ToArray();
        Assert.All(mine, m => Assert.Equal(("Relu/Identity", (object?)7), ((string?)m.Tags["unit"], m.Tags["seed"])));
        double[] Values(string name) => mine.Where(m => m.Instrument == name).Select(m => m.Value).ToArray();
        Assert.Equal([1.0, 1.0], Values("rnnpipeline.training.steps"));
        Assert.Equal([2.885], Values("rnnpipeline.training.bits_per_char"));      // the NaN step is counted, not recorded
        Assert.Equal([123_000.0, 120_000.0], Values("rnnpipeline.training.chars_per_second"));
        Assert.Equal([12.5, 3.0], Values("rnnpipeline.training.gradient_norm"));
        Assert.Equal([1.0], Values("rnnpipeline.training.clip_events"));
        Assert.Equal([1.0], Values("rnnpipeline.training.nonfinite_events"));
        Assert.Equal([1.44], Values("rnnpipeline.validation.bits_per_char"));
        Assert.Equal([0.25], Values("rnnpipeline.training.analysis_seconds"));
    }
}
