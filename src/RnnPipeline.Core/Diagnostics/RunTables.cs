namespace RnnPipeline.Diagnostics;

/// <summary>
/// Names of the tables a run's records are saved as (file names without extension: <c>&lt;table&gt;.idv</c> and
/// <c>&lt;table&gt;.csv</c> in the run's data folder). Here, not beside the ML.NET code that writes them, so that readers
/// of the files (the report links them) need no ML.NET; docs/data-views.md describes every table (<see cref="All"/>).
/// </summary>
public static class RunTables
{
    /// <summary>Per-step metrics and clipping.</summary>
    public const string Metrics = "metrics";
    /// <summary>Per-step ‖∂L/∂h_t‖ per timestep.</summary>
    public const string GradientFlow = "gradient-flow";
    /// <summary>Validation results.</summary>
    public const string Evaluations = "evaluations";
    /// <summary>Inf/NaN events.</summary>
    public const string NonFinite = "non-finite";
    /// <summary>Per logged step stability summary.</summary>
    public const string Stability = "stability";
    /// <summary>Lyapunov exponents, long format.</summary>
    public const string Lyapunov = "lyapunov";
    /// <summary>Per-timestep stability, long format.</summary>
    public const string Timesteps = "timesteps";
    /// <summary>Per-lag products, long format.</summary>
    public const string Lags = "lags";
    /// <summary>Probe accuracies.</summary>
    public const string Probes = "probes";
    /// <summary>Run metadata.</summary>
    public const string Runs = "runs";

    /// <summary>
    /// Every table a saved run holds, with what one row is, in the order the report lists them: the one list that the
    /// data views (RnnPipeline.DataViews), the report's links and docs/data-views.md follow (a test checks all three).
    /// </summary>
    public static IReadOnlyList<RunTable> All { get; } =
    [
        new(Runs, "one row per run"),
        new(Metrics, "one row per optimiser step"),
        new(Timesteps, "one row per logged step × timestep (probe subset)"),
        new(Lags, "one row per logged step × lag k"),
        new(Stability, "one row per logged step"),
        new(Lyapunov, "leading exponents of each logged step"),
        new(GradientFlow, "one row per step × timestep"),
        new(Evaluations, "one row per validation"),
        new(NonFinite, "Inf/NaN events"),
        new(Probes, "long-range probe accuracy (probe corpora only)"),
    ];
}
