using Microsoft.ML;
using RnnPipeline.DataViews;
using RnnPipeline.DataViews.Schemas;
using RnnPipeline.Diagnostics;
using RnnPipeline.MLNet.CharRnn;
using RnnPipeline.Options;
using RnnPipeline.Text;

namespace RnnPipeline.Samples;

/// <summary>
/// Loads a saved per-timestep diagnostics view (<c>timesteps.idv</c>) with <c>LoadFromBinary</c>, filters it with
/// ML.NET and summarises how the Jacobian norm and gradient flow changed during training. Pass a run's data folder
/// (e.g. out/compare-activations/text-tanh/data) to query your own run; without one it trains a tiny sigmoid run first.
/// </summary>
public static class DiagnosticsQuerySample
{
    public static void Run(TextWriter output, string? dataFolder = null)
    {
        var ml = new MLContext(seed: 0);
        dataFolder ??= TrainTinyRun(ml);

        IDataView timesteps = ml.Data.LoadFromBinary(Path.Combine(dataFolder, RunTables.Timesteps + ".idv"));
        var rows = ml.Data.CreateEnumerable<TimestepRow>(timesteps, reuseRowObject: false).ToArray();
        output.WriteLine($"run {rows[0].RunId} ({rows[0].Activation}, H={rows[0].HiddenSize}): {rows.Length} rows, logged steps {string.Join(", ", rows.Select(r => r.Step).Distinct())}");

        foreach (var step in rows.GroupBy(r => r.Step))
            output.WriteLine($"step {step.Key,4}: mean ‖J_t‖₂ {step.Average(r => r.JacobianNorm):F3}, mean f' {step.Average(r => r.DerivativeMean):F3}, saturated {100 * step.Average(r => r.SaturatedFraction):F0}%");

        // Timesteps whose gradient is below 1% of the last timestep's: FilterRowsByColumn works on Double columns.
        var weak = ml.Data.FilterRowsByColumn(timesteps, nameof(TimestepRow.GradRatio), lowerBound: 0, upperBound: 0.01);
        int count = ml.Data.CreateEnumerable<TimestepRow>(weak, reuseRowObject: false).Count();
        output.WriteLine($"rows with ‖∂L/∂h_t‖ < 1% of the last step's: {count} of {rows.Length}");
    }

    private static string TrainTinyRun(MLContext ml)
    {
        RnnPipeline.Training.TorchRuntime.Configure(1);
        var options = new CharRnnOptions();
        options.Run.Model = new ModelOptions { Activation = Activation.Sigmoid, HiddenSize = 16 };
        options.Run.Training.Steps = 40;
        options.Run.Diagnostics.Every = 20;
        var lines = SampleTextGenerator.Generate(6_000, 3).Split('\n').Select(l => new { Text = l });
        using var featurizer = ml.Transforms.Text.FeaturizeCharRnn("Features", "Text", options).Fit(ml.Data.LoadFromEnumerable(lines.ToArray()));
        string folder = Path.Combine(Path.GetTempPath(), $"rnnpipeline-sample-{Environment.ProcessId}");
        new RunDataViews(ml).Save(featurizer.Diagnostics, folder);
        return folder;
    }
}

// Expected output:
// run mlnet/charrnn (Sigmoid, H=16): 96 rows, logged steps 0, 20, 39
// step    0: mean ‖J_t‖₂ 0.250, mean f' 0.233, saturated 0%
// step   20: mean ‖J_t‖₂ 0.261, mean f' 0.235, saturated 0%
// step   39: mean ‖J_t‖₂ 0.288, mean f' 0.229, saturated 0%
// rows with ‖∂L/∂h_t‖ < 1% of the last step's: 0 of 96
