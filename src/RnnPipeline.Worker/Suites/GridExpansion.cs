using System.Globalization;
using RnnPipeline.Options;

namespace RnnPipeline.Worker.Suites;

/// <summary>Cross product of a run with a <see cref="GridOptions"/>.</summary>
internal static class GridExpansion
{
    /// <summary>One copy of <paramref name="run"/> per combination of the grid's non-empty lists.</summary>
    public static IEnumerable<RunSpec> Expand(RunSpec run, GridOptions grid)
    {
        var activations = grid.Activations.Length > 0 ? grid.Activations : [run.Model.Activation];
        var gains = grid.InitGains.Length > 0 ? grid.InitGains : [run.Model.InitGain];
        var seeds = (grid.Seeds.Length > 0 ? grid.Seeds : [run.Training.Seed]).Select(s => checked(s + grid.SeedOffset)).ToArray();
        var clips = grid.ClipModes.Length > 0 ? grid.ClipModes : [run.Clipping.Mode];
        foreach (var activation in activations)
        foreach (double gain in gains)
        foreach (int seed in seeds)
        foreach (var clip in clips)
        {
            var spec = run.Clone();
            spec.Model.Activation = activation;
            spec.Model.InitGain = gain;
            spec.Training.Seed = seed;
            spec.Clipping.Mode = clip;
            var name = new List<string> { run.Name };
            if (grid.Activations.Length > 0) name.Add(activation.ToString().ToLowerInvariant());
            if (grid.InitGains.Length > 0) name.Add("g" + gain.ToString(CultureInfo.InvariantCulture));
            if (grid.Seeds.Length > 0) name.Add("s" + seed.ToString(CultureInfo.InvariantCulture));
            if (grid.ClipModes.Length > 0) name.Add("clip" + clip.ToString().ToLowerInvariant());
            spec.Name = string.Join('-', name);
            yield return spec;
        }
    }
}
