using RnnPipeline.Options;

namespace RnnPipeline.Worker.Suites;

/// <summary>
/// Expands every declared run into the cross product of the listed values; an empty (or absent) list keeps the run's
/// own value. Expanded runs are named <c>&lt;run&gt;-&lt;activation&gt;-g&lt;gain&gt;-k&lt;lag&gt;-s&lt;seed&gt;-clip&lt;mode&gt;</c>,
/// listing only the dimensions that vary.
/// </summary>
public sealed class GridOptions
{
    /// <summary>Recurrent nonlinearities.</summary>
    public Activation[] Activations { get; set; } = [];

    /// <summary>W_hh initialisation gains g.</summary>
    public double[] InitGains { get; set; } = [];

    /// <summary>
    /// Probe lags, one per run (each run's <c>Corpus.Lags</c> becomes that one lag): the grid of a
    /// <c>Corpus.Episodes</c> experiment, which trains every lag in runs of its own.
    /// </summary>
    public int[] Lags { get; set; } = [];

    /// <summary>Training seeds.</summary>
    public int[] Seeds { get; set; } = [];

    /// <summary>
    /// Added to every run's seed (the listed seeds, or the run's own): rerun a suite on fresh seeds with
    /// <c>--Suite:Grid:SeedOffset=1000</c>. The suite's offset shifts every run, also runs with a <c>Grid</c> of their
    /// own, whose offset adds to it. Names carry the shifted seed.
    /// </summary>
    public int SeedOffset { get; set; }

    /// <summary>Clipping modes.</summary>
    public ClipMode[] ClipModes { get; set; } = [];
}
