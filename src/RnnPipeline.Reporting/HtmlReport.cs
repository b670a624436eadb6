using System.Globalization;
using System.Net;
using System.Text;
using OxyPlot;
using RnnPipeline.Options;
using RnnPipeline.Reporting.Plots;

namespace RnnPipeline.Reporting;

/// <summary>
/// The suite report as one self-contained HTML page: inline CSS and embedded PNG plots, no scripts, fonts or images
/// from elsewhere, so it opens offline. Sections follow the questions a reader asks: how did each run do, how far back
/// does gradient reach and why, how did that evolve, what did the model learn, was training stable.
/// </summary>
public static class HtmlReport
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>
    /// Writes the report of <paramref name="runs"/> to <paramref name="stream"/> (UTF-8), listing the <paramref name="absent"/>
    /// runs; <paramref name="probes"/> are their probe findings when the caller has them (<see cref="ProbeFindings.PerCorpus"/>).
    /// </summary>
    public static void Write(Stream stream, string suite, string description, IReadOnlyList<ReportRun> runs, IReadOnlyList<AbsentRun>? absent = null,
        IReadOnlyDictionary<CorpusKind, ProbeFindings>? probes = null)
    {
        probes ??= ProbeFindings.PerCorpus(runs);
        var html = new StringBuilder();
        html.Append($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{E(suite)} — RnnPipeline report</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <style>{Css}</style></head><body><main>
            <h1>{E(suite)}</h1><p class="lead">{E(description)}</p>
            """);
        html.Append("<section id=\"summary\"><h2>Summary</h2>");
        SummaryTable(html, runs);
        AbsentRuns(html, runs.Count, absent ?? []);
        html.Append("</section>");
        foreach (var group in runs.GroupBy(r => r.Spec.Corpus.Kind))
        {
            var groupRuns = group.ToArray();
            var records = groupRuns.Select(r => r.Run).ToArray();
            string corpus = group.Key == CorpusKind.TextFile ? "Text corpus" : $"{group.Key} probe";
            string id = group.Key.ToString().ToLowerInvariant();
            html.Append($"<section id=\"{id}\"><h2>{E(corpus)}: {groupRuns.Length} run(s)</h2><h3>Comparison</h3><ul class=\"narrative\">");
            foreach (string line in Narrative.Compare(groupRuns)) html.Append($"<li>{E(line)}</li>");
            html.Append("</ul>");
            var analysed = records.Where(r => r.Stability.Count > 0).ToArray();    // runs with stability diagnostics
            if (analysed.Length > 0)
            {
                double epsilon = groupRuns[0].Spec.Diagnostics.HorizonEpsilon;
                Figure(html, "How far back does gradient reach?", StabilityPlots.GradientVersusLag(analysed, epsilon));
                Figure(html, "Is the per-step norm the whole story?", StabilityPlots.ProductVersusBound(analysed));
                Figure(html, "Why: the per-step Jacobians", StabilityPlots.JacobianNorms(analysed));
                Figure(html, "Why: saturated and dead units", StabilityPlots.SaturationAndDeadUnits(analysed));
                Figure(html, "How did stability evolve while training?", TrainingPlots.LyapunovOverTraining(analysed));
                html.Append("<div class=\"grid\">");
                foreach (var run in analysed) Image(html, StabilityPlots.GradientHeatmap(run), 640, 380);
                html.Append("</div>");
            }
            Figure(html, "What did the model learn?", TrainingPlots.BitsPerChar(records));
            if (probes.GetValueOrDefault(group.Key) is { } probe)
            {
                html.Append("<h3>Which unit learns long-range dependencies?</h3><ul class=\"narrative\">");
                foreach (string line in probe.Narrative) html.Append($"<li>{E(line)}</li>");
                html.Append("</ul>");
                Figure(html, "Which dependency lags were learned?", ProbePlots.AccuracyVersusLag(records, probe.Options.SolvedThreshold));
                var overTraining = probe.Units.Select((u, i) => ProbePlots.AccuracyOverTraining(u, i, probe.Options.SolvedThreshold)).OfType<PlotModel>().ToArray();
                if (overTraining.Length > 0)
                {
                    html.Append("<h3>When is each lag learned?</h3><div class=\"grid\">");
                    foreach (var model in overTraining) Image(html, model, 640, 380);
                    html.Append("</div>");
                }
                ProbeTable.Write(html, probe.Units, probe.Options.SolvedThreshold);
                ProbeTable.WriteComparisons(html, probe.Comparisons);
                if (probe.Power is { } power) html.Append($"<p class=\"note\">{E(power)}</p>");
            }
            Figure(html, "Was training stable?", TrainingPlots.GradientNormAndClipping(records));
            html.Append("</section>");
        }
        NonFiniteTable(html, runs);
        SpikeTable(html, runs);
        Configurations(html, runs);
        html.Append("<footer>Generated by RnnPipeline from the saved data views; every number above can be recomputed from the linked files.</footer></main></body></html>\n");
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
        writer.Write(html.ToString());
    }

    private static void SummaryTable(StringBuilder html, IReadOnlyList<ReportRun> runs)
    {
        html.Append("<table><thead><tr><th>run</th><th>activation</th><th>W_hh init</th><th>corpus</th><th>steps</th><th>val bits/char</th>" +
                    "<th>clip rate</th><th>Inf/NaN events</th><th>mean ‖J_t‖₂</th><th>λ1</th><th>memory horizon</th><th>max solved lag</th></tr></thead><tbody>");
        foreach (var r in runs)
        {
            var s = r.Summary;
            html.Append($"<tr><td>{E(r.Name)}</td><td>{E(r.Spec.Model.Activation.ToString())}</td><td>{E($"{r.Spec.Model.Init} × {r.Spec.Model.InitGain.ToString("G3", C)}")}</td>" +
                        $"<td>{E(r.Spec.Corpus.Kind.ToString())}</td><td class=\"n\">{s.Steps}</td><td class=\"n\">{Narrative.F(s.ValidationBitsPerChar, "F3")}</td>" +
                        $"<td class=\"n\">{Narrative.Percent(s.ClipRate)}</td><td class=\"n\">{s.NonFiniteEvents}</td><td class=\"n\">{Narrative.F(s.MeanJacobianNorm, "F3")}</td>" +
                        $"<td class=\"n\">{Narrative.F(s.Lyapunov1, "F3")}</td><td class=\"n\">{E(Narrative.Horizon(s))}</td>" +
                        $"<td class=\"n\">{(s.MaxSolvedLag is int lag ? lag.ToString(C) : "–")}</td></tr>");
        }
        html.Append("</tbody></table><p class=\"note\">Memory horizon: smallest lag k at which the gradient of the last step's loss reaching step T−k falls below ε of its value at k = 0 (last logged step). λ1: leading Lyapunov exponent per timestep of the Jacobian product. Max solved lag: largest probe lag at which this run alone has accuracy ≥ the solved threshold with its 95% Wilson interval above chance.</p>");
    }

    private static void AbsentRuns(StringBuilder html, int shown, IReadOnlyList<AbsentRun> absent)
    {
        if (absent.Count == 0) return;
        html.Append($"<div id=\"absent\" class=\"absent\"><p><strong>Not in this report: {absent.Count} of {shown + absent.Count} runs.</strong> " +
                    "The comparisons above cover only the runs in the table.</p><ul>");
        foreach (var a in absent) html.Append($"<li><b>{E(a.Name)}</b>: {E(a.Reason)}</li>");
        html.Append("</ul></div>");
    }

    private static void NonFiniteTable(StringBuilder html, IReadOnlyList<ReportRun> runs)
    {
        var events = runs.SelectMany(r => r.Run.NonFinite.Select(e => (r.Name, e))).ToArray();
        html.Append("<section id=\"non-finite\"><h2>Inf/NaN events</h2>");
        if (events.Length == 0)
        {
            html.Append("<p>None.</p></section>");
            return;
        }
        html.Append("<table><thead><tr><th>run</th><th>step</th><th>first non-finite tensor</th><th>timestep</th><th>policy</th><th>action</th></tr></thead><tbody>");
        foreach (var (name, e) in events.Take(200))
            html.Append($"<tr><td>{E(name)}</td><td class=\"n\">{e.Step}</td><td>{E(e.Tensor)}</td><td class=\"n\">{(e.Timestep >= 0 ? e.Timestep.ToString(C) : "–")}</td><td>{E(e.Policy.ToString())}</td><td>{E(e.Action)}</td></tr>");
        html.Append("</tbody></table>");
        if (events.Length > 200) html.Append($"<p class=\"note\">First 200 of {events.Length} events; all are in the non-finite data views.</p>");
        html.Append("</section>");
    }

    private static void SpikeTable(StringBuilder html, IReadOnlyList<ReportRun> runs)
    {
        var spikes = runs.SelectMany(r => LossSpikes.Find(r.Run).Select(s => (r.Name, s.Step, s.BitsPerChar, s.Median))).ToArray();
        html.Append($"<section id=\"spikes\"><h2>Loss spikes</h2><p class=\"note\">Training steps whose bits/char exceeded {LossSpikes.Factor:0}× the median of the " +
                    $"{LossSpikes.Window} steps around them; the plots keep their axes in the ordinary range.</p>");
        if (spikes.Length == 0)
        {
            html.Append("<p>None.</p></section>");
            return;
        }
        html.Append("<table><thead><tr><th>run</th><th>step</th><th>bits/char</th><th>running median</th></tr></thead><tbody>");
        foreach (var (name, step, value, median) in spikes.OrderByDescending(s => s.BitsPerChar / s.Median).Take(50))
            html.Append($"<tr><td>{E(name)}</td><td class=\"n\">{step}</td><td class=\"n\">{E(Narrative.F(value, "G3"))}</td><td class=\"n\">{E(Narrative.F(median, "F3"))}</td></tr>");
        html.Append("</tbody></table>");
        if (spikes.Length > 50) html.Append($"<p class=\"note\">The 50 largest (relative to their median) of {spikes.Length}; every step is in the metrics data views.</p>");
        html.Append("</section>");
    }

    /// <summary>The data views a run folder holds (the table names of RnnPipeline.MLNet's RunDataViews, which the report links to).</summary>
    private static readonly string[] DataViewTables = ["metrics", "timesteps", "lags", "stability", "gradient-flow", "evaluations", "non-finite", "probes"];

    private static void Configurations(StringBuilder html, IReadOnlyList<ReportRun> runs)
    {
        html.Append("<section id=\"runs\"><h2>Configurations and data</h2>");
        foreach (var r in runs)
        {
            string folder = r.DataFolder.Replace('\\', '/');
            html.Append($"<details><summary>{E(r.Name)} <span class=\"hash\">config {E(r.Run.Info.ConfigHash)}</span></summary><p>Data views: ");
            html.Append(string.Join(" · ", DataViewTables.Select(t => $"<a href=\"{E(folder)}/{t}.csv\">{t}.csv</a> (<a href=\"{E(folder)}/{t}.idv\">.idv</a>)")));
            html.Append($"</p><pre>{E(r.Spec.ToJson())}</pre></details>");
        }
        html.Append("</section>");
    }

    private static void Figure(StringBuilder html, string question, PlotModel model)
    {
        html.Append($"<h3>{E(question)}</h3>");
        Image(html, model, PlotExport.Width, PlotExport.Height);
    }

    /// <summary>
    /// Embeds a plot as a base64 PNG rendered by SkiaSharp: its text layout is exact, unlike OxyPlot.Core's SVG export,
    /// whose estimated text widths clip legends and overlap sub/superscripts in browsers.
    /// </summary>
    private static void Image(StringBuilder html, PlotModel model, int width, int height)
    {
        using var png = new MemoryStream();
        PlotExport.Png(model, png, width, height);
        html.Append($"<figure><img alt=\"{E(model.Title)}\" width=\"{width}\" height=\"{height}\" src=\"data:image/png;base64,{Convert.ToBase64String(png.ToArray())}\"></figure>");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private const string Css = """
        body{margin:0;background:#f6f7f9;color:#1d2330;font:15px/1.5 "DejaVu Sans",system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
        main{max-width:1240px;margin:0 auto;padding:24px 32px 48px}
        h1{font-size:28px;margin:8px 0 4px}h2{font-size:21px;margin:36px 0 12px;padding-bottom:6px;border-bottom:2px solid #0072b2}
        h3{font-size:16px;margin:20px 0 8px;color:#334}.lead{color:#445;max-width:900px}
        table{border-collapse:collapse;width:100%;background:#fff;font-size:13px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
        th,td{padding:6px 8px;border-bottom:1px solid #e3e6ea;text-align:left;white-space:nowrap}th{background:#eef2f6;font-weight:600}
        td.n{text-align:right;font-variant-numeric:tabular-nums}tbody tr:hover{background:#f3f8fc}
        .note{font-size:12px;color:#667}ul.narrative{background:#fff;border-left:4px solid #009e73;padding:10px 16px 10px 32px;margin:0}
        ul.narrative li{margin:4px 0}figure{margin:12px 0;background:#fff;padding:8px;box-shadow:0 1px 2px rgba(0,0,0,.06)}
        figure img{max-width:100%;height:auto;display:block}.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:8px}
        details{background:#fff;margin:6px 0;padding:8px 12px;box-shadow:0 1px 2px rgba(0,0,0,.06)}summary{cursor:pointer;font-weight:600}
        .hash{font-weight:400;color:#889;font-size:12px;margin-left:8px}pre{font-size:12px;background:#f3f4f6;padding:8px;overflow:auto}
        .absent{background:#fff4e5;border-left:4px solid #e69f00;padding:8px 16px;margin:12px 0}.absent ul{margin:4px 0}
        table.probe td{white-space:nowrap}.ci{color:#667;font-size:12px}td.solved{font-weight:700}td.chance,span.chance{color:#99a}
        footer{margin-top:40px;font-size:12px;color:#778}
        """;
}
