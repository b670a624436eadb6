using System.Text.RegularExpressions;
using OxyPlot.Axes;
using OxyPlot.Series;
using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Reporting;
using RnnPipeline.Reporting.Plots;
using RnnPipeline.Tests.Core;

namespace RnnPipeline.Tests.Reporting;

public sealed class ReportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnnpipeline-report-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static RunRecording[] Runs() => [Recordings.Make("tanh", Activation.Tanh), Recordings.Make("sigmoid", Activation.Sigmoid)];

    private static ReportRun[] ReportRuns() => Runs()
        .Select(r => new ReportRun(r, new RunSpec { Name = r.Info.RunId.Split('/')[1], Model = { Activation = r.Info.Activation } }, $"{r.Info.RunId.Split('/')[1]}/data"))
        .ToArray();

    [Fact]
    public void GradientVersusLag_HasOneLinePerRunAndHorizonMarkers_OnLogAxis()
    {
        var model = StabilityPlots.GradientVersusLag(Runs(), 1e-3);
        var lines = model.Series.OfType<LineSeries>().ToArray();
        Assert.Equal(["tanh (horizon ≥ 2)", "sigmoid (horizon ≥ 2)"], lines.Select(l => l.Title));
        Assert.Equal([0.0, 1.0], lines[0].Points.Select(p => p.X));
        Assert.Equal([1.0, 0.4], lines[0].Points.Select(p => p.Y));
        Assert.IsType<LogarithmicAxis>(model.Axes.Single(a => a.Position == AxisPosition.Left));
        Assert.Contains("T−k", model.Title);
    }

    [Fact]
    public void JacobianNorms_DrawsReciprocalGammaPerActivation()
    {
        var model = StabilityPlots.JacobianNorms(Runs());
        Assert.Equal(2, model.Series.Count);
        var references = model.Annotations.OfType<OxyPlot.Annotations.LineAnnotation>().Select(a => a.Y).Order();
        Assert.Equal([1.0, 4.0], references);
        Assert.IsType<LogarithmicAxis>(model.Axes.Single(a => a.Position == AxisPosition.Left));
    }

    [Fact]
    public void ProductVersusBound_HasRealizedAndBoundPerRun()
    {
        var model = StabilityPlots.ProductVersusBound(Runs());
        Assert.Equal(["tanh realized", "tanh bound", "sigmoid realized", "sigmoid bound"], model.Series.Select(s => s.Title));
        Assert.Equal([1.0, 0.6], ((LineSeries)model.Series[0]).Points.Select(p => p.Y));
    }

    [Fact]
    public void TrainingPlots_SkipNonFiniteValues_AndMarkClippedSteps()
    {
        var run = Recordings.Make("tanh", Activation.Tanh);
        run.Record(new TrainingMetric(3, double.NaN, double.NaN, 0.01, 1000, 2));
        var bpc = TrainingPlots.BitsPerChar([run]);
        Assert.All(bpc.Series.OfType<LineSeries>().SelectMany(s => s.Points), p => Assert.True(double.IsFinite(p.Y)));
        var clip = TrainingPlots.GradientNormAndClipping([run]);
        Assert.Equal("tanh (clipped 33%)", clip.Series[0].Title);
        Assert.Single(((ScatterSeries)clip.Series[1]).Points);
    }

    [Fact]
    public void TrainingPlots_SeedsOfOneUnit_AreOneMedianLineWithABand_AndASpikeDoesNotSmear()
    {
        var seeds = Enumerable.Range(1, 3).Select(s => Recordings.Make($"tanh-s{s}", Activation.Tanh, seed: s)).ToArray();
        foreach (var (run, k) in seeds.Select((r, k) => (r, k)))
        {
            run.Metrics.Clear();
            for (int step = 0; step < 30; step++)
                run.Record(new TrainingMetric(step, 1, step == 10 && k == 0 ? 1e6 : 1.0 + k, 0.01, 1000, step));   // seed 1 spikes once
        }
        var model = TrainingPlots.BitsPerChar([.. seeds, Recordings.Make("relu", Activation.Relu)]);
        var titled = model.Series.Where(s => s.Title is not null).Select(s => s.Title).ToArray();
        Assert.Equal(["tanh train (3 seeds)", "tanh validation", "relu train", "relu validation"], titled);
        var median = (LineSeries)model.Series.Single(s => s.Title == "tanh train (3 seeds)");
        Assert.All(median.Points, p => Assert.Equal(p.X == 10 ? 3.0 : 2.0, p.Y));     // median of 1, 2, 3; at the spike of 1e6, 2, 3
        var band = Assert.Single(model.Series.OfType<AreaSeries>());
        Assert.Equal((1.5, 2.5), (band.Points2[0].Y, band.Points[0].Y));               // quartiles of 1, 2, 3

        var single = Recordings.Make("sigmoid", Activation.Sigmoid);
        single.Metrics.Clear();
        for (int step = 0; step < 60; step++) single.Record(new TrainingMetric(step, 1, step == 20 ? 1e6 : 2.0, 0.01, 1000, step));
        var smooth = (LineSeries)TrainingPlots.BitsPerChar([single]).Series.Single(s => s.Title == "sigmoid train");
        Assert.All(smooth.Points, p => Assert.Equal(2.0, p.Y));                        // the running median ignores the spike entirely
    }

    [Fact]
    public void LossSpikes_AreFoundAgainstTheRunningMedian_AndListedInTheReport()
    {
        var run = Recordings.Make("relu", Activation.Relu);
        run.Metrics.Clear();
        for (int step = 0; step < 60; step++)
            run.Record(new TrainingMetric(step, 1, step == 31 ? 1.1e15 : step == 40 ? 15 : step == 50 ? 0.5 : step > 44 ? 0.001 : 2.0 - step / 100.0, 0.01, 1000, step));
        var spikes = LossSpikes.Find(run);
        // 15 at step 40 is about 9× its median, below 10×; 0.5 at step 50 is 500× a median of 0.001 but less than a bit above it
        Assert.Equal([31], spikes.Select(s => s.Step));
        Assert.Equal(1.1e15, spikes[0].BitsPerChar);
        var stream = new MemoryStream();
        HtmlReport.Write(stream, "s", "d", [new ReportRun(run, new RunSpec { Name = "relu" }, "relu/data")]);
        string html = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        Assert.Contains("<td>relu</td><td class=\"n\">31</td><td class=\"n\">1.1E+15</td>", html);
    }

    [Fact]
    public void GradientHeatmap_HasStepByTimestepLog10Grid()
    {
        var model = StabilityPlots.GradientHeatmap(Recordings.Make("tanh", Activation.Tanh));
        var heat = Assert.IsType<HeatMapSeries>(Assert.Single(model.Series));
        Assert.Equal((3, 3), (heat.Data.GetLength(0), heat.Data.GetLength(1)));
        Assert.Equal(Math.Log10(0.4), heat.Data[0, 2], 6);
    }

    [Fact]
    public void ProbeAccuracy_PlotsMeanPerLagWithChance()
    {
        var model = ProbePlots.AccuracyVersusLag(Runs(), 0.9);
        Assert.Equal(2, model.Series.Count);
        Assert.Equal([0.75], ((LineSeries)model.Series[0]).Points.Select(p => p.Y));   // one seed: its accuracy is the median
        Assert.Contains(model.Annotations.OfType<OxyPlot.Annotations.LineAnnotation>(), a => a.Y == 0.25);
    }

    [Fact]
    public void ProbeAccuracy_PoolsRunsThatDifferOnlyInSeed_WithSeedMedianBarsAndSeedDots()
    {
        // Six tanh seeds scoring 10, 20, …, 30 of 40 (an interval of the median needs 6 seeds), one relu run.
        int[] correct = [10, 14, 18, 22, 26, 30];
        var seeds = correct.Select((c, i) =>
        {
            var run = Recordings.Make($"tanh-s{i + 1}", Activation.Tanh, seed: i + 1);
            run.Probes[0] = run.Probes[0] with { Correct = c };
            return run;
        }).ToArray();
        var model = ProbePlots.AccuracyVersusLag([.. seeds, Recordings.Make("relu", Activation.Relu)], 0.9);
        var lines = model.Series.OfType<LineSeries>().ToArray();
        Assert.Equal(["tanh (6 seeds)", "relu"], lines.Select(l => l.Title));
        Assert.Equal([0.5], lines[0].Points.Select(p => p.Y));                  // median of 0.25 … 0.75
        Assert.Equal(correct.Select(c => c / 40.0), model.Series.OfType<ScatterSeries>().Single().Points.Select(p => p.Y));
        var bar = Assert.Single(model.Annotations.OfType<OxyPlot.Annotations.LineAnnotation>(), a => a.Type == OxyPlot.Annotations.LineAnnotationType.Vertical);
        Assert.Equal((0.25, 0.75), (bar.MinimumY, bar.MaximumY));              // 6 seeds: [min, max] covers the median with 96.9%
        Assert.Contains("median of seeds", model.Subtitle);
    }

    [Fact]
    public void SuiteReport_ProbeSection_HasTheTableAndTheProcedure()
    {
        string html = File.ReadAllText(SuiteReport.Write(_folder, "demo", "demo", ReportRuns()));
        Assert.Contains("<table class=\"probe\">", html);
        Assert.Contains("<td class=\"n\" title=\"seeds: 0.75; too few seeds for an interval\">0.75</td>", html);
        Assert.Contains("no confirmatory half, pairs are compared by the exact Wilcoxon–Mann–Whitney test", html);
        Assert.Contains("tanh (1 seed): too few seeds for a 95% interval of the median (6 or more needed).", html);
        Assert.True(File.Exists(Path.Combine(_folder, "summary.md")));
    }

    [Fact]
    public void SuiteReport_WritesValidPngsAndSelfContainedHtmlWithEverySection()
    {
        string html = File.ReadAllText(SuiteReport.Write(_folder, "demo", "a <demo> suite", ReportRuns()));

        var pngs = Directory.GetFiles(Path.Combine(_folder, "plots"), "*.png");
        Assert.True(pngs.Length >= 9, $"{pngs.Length} PNGs");
        foreach (string png in pngs)
        {
            byte[] bytes = File.ReadAllBytes(png);
            Assert.True(bytes.Length > 5000, $"{png}: {bytes.Length} bytes");
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        }
        foreach (string section in new[] { "id=\"summary\"", "<h3>Comparison</h3>", "How far back does gradient reach?", "Is the per-step norm the whole story?",
                     "Why: the per-step Jacobians", "What did the model learn?", "Which dependency lags were learned?", "Was training stable?", "id=\"non-finite\"", "id=\"runs\"" })
            Assert.Contains(section, html);
        Assert.Contains("a &lt;demo&gt; suite", html);
        Assert.Contains("href=\"tanh/data/metrics.csv\"", html);
        Assert.DoesNotMatch(new Regex("(src|href)=\"(https?:)?//", RegexOptions.IgnoreCase), html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<link", html);
        Assert.Matches("^<!DOCTYPE html>", html);
        Assert.EndsWith("</html>\n", html);
        Assert.Equal(Regex.Matches(html, "<section").Count, Regex.Matches(html, "</section>").Count);
        Assert.Equal(Regex.Matches(html, "<figure").Count, Regex.Matches(html, "</figure>").Count);
    }

    [Fact]
    public void SuiteReport_EmbedsEachFullSizePlotAsTheBytesOfItsPngFile()
    {
        string html = File.ReadAllText(SuiteReport.Write(_folder, "demo", "demo", ReportRuns()));

        var embedded = Regex.Matches(html, $"width=\"{PlotExport.Width}\" height=\"{PlotExport.Height}\" src=\"data:image/png;base64,([^\"]+)\"")
            .Select(m => m.Groups[1].Value).ToArray();
        var files = Directory.GetFiles(Path.Combine(_folder, "plots"), "*.png")
            .Where(f => !Path.GetFileName(f).StartsWith("heatmap-", StringComparison.Ordinal) && !f.Contains("-9-probe-over-training-", StringComparison.Ordinal))
            .Select(f => Convert.ToBase64String(File.ReadAllBytes(f))).ToArray();
        Assert.Equal(8, embedded.Length);                                       // stability 1–5, bits/char, probe accuracy, clipping
        Assert.Equal(files.Order(StringComparer.Ordinal), embedded.Order(StringComparer.Ordinal));
    }
}
