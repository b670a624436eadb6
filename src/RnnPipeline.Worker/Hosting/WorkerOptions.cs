using System.ComponentModel.DataAnnotations;

namespace RnnPipeline.Worker.Hosting;

/// <summary>What the worker runs and where it writes (section "Worker"; short switches --suite, --output, --resume, --report).</summary>
public sealed class WorkerOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Worker";

    /// <summary>Suite file to run.</summary>
    [Required]
    public string Suite { get; set; } = "configs/compare-activations.json";

    /// <summary>Output root; a suite writes to &lt;Output&gt;/&lt;suite name&gt;/.</summary>
    [Required]
    public string Output { get; set; } = "out";

    /// <summary>Continue runs from their checkpoints instead of starting over; finished runs are not retrained.</summary>
    public bool Resume { get; set; }

    /// <summary>Only regenerate the report of an existing output folder from its saved data views.</summary>
    public bool ReportOnly { get; set; }

    /// <summary>Compute threads in total (0: all cores); split evenly between parallel runs.</summary>
    [Range(0, 1024)]
    public int Threads { get; set; }

    /// <summary>Runs trained at the same time.</summary>
    [Range(1, 64)]
    public int ParallelRuns { get; set; } = 1;

    /// <summary>Seconds between progress lines of a run.</summary>
    [Range(0.1, 3600)]
    public double ProgressSeconds { get; set; } = 5;
}
