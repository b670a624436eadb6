namespace RnnPipeline.Diagnostics;

/// <summary>
/// Names of the tables a run's records are saved as (file names without extension: <c>&lt;table&gt;.idv</c> and
/// <c>&lt;table&gt;.csv</c> in the run's data folder). Here, not beside the ML.NET code that writes them, so that readers
/// of the files (the report links them) need no ML.NET; docs/data-views.md describes every table.
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

    /// <summary>Every table a saved run holds, in the order the report lists them.</summary>
    public static IReadOnlyList<string> All { get; } = [Runs, Metrics, Timesteps, Lags, Stability, Lyapunov, GradientFlow, Evaluations, NonFinite, Probes];
}
