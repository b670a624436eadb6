using System.Globalization;
using RnnPipeline.Options;

namespace RnnPipeline.Worker.Suites;

/// <summary>Cross product of a run with a <see cref="GridOptions"/>.</summary>
internal static class GridExpansion
{
    /// <summary>
    /// Most runs a suite may expand to: every run is validated and gets a folder, so a grid beyond this is almost always
    /// a typo (a list pasted twice, a range too fine), and would take minutes and gigabytes before anything trains.
    /// </summary>
    public const long MaximumRuns = 100_000;

    /// <summary>How many runs <see cref="Expand"/> makes of one run with <paramref name="grid"/> (without making them).</summary>
    public static long Count(GridOptions grid) =>
        (long)Math.Max(1, grid.Activations.Length) * Math.Max(1, grid.InitGains.Length) * Math.Max(1, grid.Lags.Length) * Math.Max(1, grid.Seeds.Length) * Math.Max(1, grid.ClipModes.Length);

    /// <summary>One copy of <paramref name="run"/> per combination of the grid's non-empty lists.</summary>
    public static IEnumerable<RunSpec> Expand(RunSpec run, GridOptions grid)
    {
        var activations = grid.Activations.Length > 0 ? grid.Activations : [run.Model.Activation];
        var gains = grid.InitGains.Length > 0 ? grid.InitGains : [run.Model.InitGain];
        int[][] lags = grid.Lags.Length > 0 ? [.. grid.Lags.Select(k => new[] { k })] : [run.Corpus.Lags];
        var seeds = (grid.Seeds.Length > 0 ? grid.Seeds : [run.Training.Seed]).Select(s => checked(s + grid.SeedOffset)).ToArray();
        var clips = grid.ClipModes.Length > 0 ? grid.ClipModes : [run.Clipping.Mode];
        foreach (var activation in activations)
        foreach (double gain in gains)
        foreach (int[] lag in lags)
        foreach (int seed in seeds)
        foreach (var clip in clips)
        {
            var spec = run.Clone();
            spec.Model.Activation = activation;
            spec.Model.InitGain = gain;
            spec.Corpus.Lags = [.. lag];
            spec.Training.Seed = seed;
            spec.Clipping.Mode = clip;
            var name = new List<string> { run.Name };
            if (grid.Activations.Length > 0) name.Add(activation.ToString().ToLowerInvariant());
            if (grid.InitGains.Length > 0) name.Add("g" + gain.ToString(CultureInfo.InvariantCulture));
            if (grid.Lags.Length > 0) name.Add("k" + lag[0].ToString(CultureInfo.InvariantCulture));
            if (grid.Seeds.Length > 0) name.Add("s" + seed.ToString(CultureInfo.InvariantCulture));
            if (grid.ClipModes.Length > 0) name.Add("clip" + clip.ToString().ToLowerInvariant());
            spec.Name = string.Join('-', name);
            yield return spec;
        }
    }
}
