using System.Diagnostics;
using Microsoft.ML;
using RnnPipeline.DataViews;
using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Probes;
using RnnPipeline.Reporting;
using RnnPipeline.Statistics;
using RnnPipeline.Training;
using RnnPipeline.Training.Text;
using Xunit.Abstractions;

namespace RnnPipeline.Tests.Training;

public sealed class ProbeEvaluatorTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnpipeline-probe-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A tiny model on delayed recall with one short and one long lag, 16 keys (chance 1/16).</summary>
    private static RunSpec Spec(int seed) => TestData.Spec(s =>
    {
        s.Name = $"recall-s{seed}";
        s.Corpus = new CorpusOptions { Kind = CorpusKind.DelayedRecall, Lags = [2, 48], KeyCount = 16, GeneratedLength = 20_000 };
        s.Training.Seed = seed;
        s.Training.Steps = 200;
        s.Training.BatchSize = 8;
        s.Training.WindowLength = 64;
        s.Training.EvalEvery = 100;
        s.Probe.SamplesPerLag = 300;
    });

    private static (TrainingSession Session, RunRecording Recording) Train(RunSpec spec)
    {
        var recording = new RunRecording(RunInfo.For("probe", spec));
        var corpus = CharCorpus.FromText(ProbeTextGenerator.Generate(spec.Corpus, spec.Training.Seed).Text, spec);
        var session = TrainingSession.Create(spec, corpus, recording);
        session.Train(CancellationToken.None);
        return (session, recording);
    }

    [Fact]
    public void TinyLongLagProbe_EndToEnd_CountsEveryLagAndReportsIntervals()
    {
        var runs = new List<ReportRun>();
        var views = new RunDataViews(new MLContext(seed: 0));
        foreach (int seed in new[] { 1, 2, 3 })
        {
            var spec = Spec(seed);
            var (session, recording) = Train(spec);
            using (session)
            {
                var clock = Stopwatch.StartNew();
                foreach (var row in ProbeEvaluator.Evaluate(session, spec)) recording.Record(row);
                output.WriteLine($"seed {seed}: probe evaluation {clock.ElapsedMilliseconds} ms; " +
                                 string.Join(", ", recording.Probes.Select(p => $"lag {p.Lag}: {p.Correct}/{p.Samples}")));
            }
            string data = Path.Combine(_folder, spec.Name, "data");
            views.Save(recording, data);
            runs.Add(new ReportRun(views.Load(data), spec, $"{spec.Name}/data"));
        }

        foreach (var run in runs)
        {
            Assert.Equal([2, 48], run.Run.Probes.Select(p => p.Lag));
            Assert.All(run.Run.Probes, p => Assert.Equal((300, 1.0 / 16), (p.Samples, p.Chance)));
            Assert.All(run.Run.Probes, p => Assert.InRange(p.Correct, 0, p.Samples));
        }
        var unit = Assert.Single(ProbeUnit.Pool(runs.Select(r => r.Run)));
        Assert.Equal(("recall", 3), (unit.Name, unit.Seeds));
        Assert.All(unit.Lags, l => Assert.Equal(900, l.Samples));
        Assert.All(unit.Lags, l => Assert.True(l.Interval.Low <= l.Mean && l.Mean <= l.Interval.High, $"lag {l.Lag}: {l.Mean} outside {l.Interval}"));

        string html = File.ReadAllText(SuiteReport.Write(_folder, "probe", "tiny long-lag probe", runs));
        Assert.Contains("<table class=\"probe\">", html);
        foreach (var lag in unit.Lags)
            Assert.Contains($">{lag.Median:0.00}</td>", html);                  // 3 seeds: a median without an interval
        Assert.Contains("recall (3 seeds): too few seeds", html);
        Assert.True(File.Exists(Path.Combine(_folder, "plots", "delayedrecall-8-probe-accuracy.png")));
    }

    [Fact]
    public void PredictNext_ABatchOfTexts_EqualsEachTextReadAlone()
    {
        var spec = Spec(1);
        spec.Training.Steps = 5;
        var (session, _) = Train(spec);
        using (session)
        {
            string[] texts = ["A0123>A\nB45>B\n", "C9>C\n"];
            int[][] positions = [[6, 12], [3]];
            var batch = session.PredictNext(texts, positions);
            for (int s = 0; s < texts.Length; s++)
            {
                var alone = session.PredictNext([texts[s]], [positions[s]]);
                var stream = session.PredictNext(texts[s], positions[s]);      // the one-text overload
                for (int i = 0; i < positions[s].Length; i++)
                    for (int v = 0; v < alone[0][i].Length; v++)
                    {
                        Assert.Equal(alone[0][i][v], batch[s][i][v], 5);
                        Assert.Equal(stream[i][v], batch[s][i][v], 5);
                    }
            }
            Assert.Throws<ArgumentOutOfRangeException>(() => session.PredictNext(texts, [[0], [3]]));
        }
    }
}
