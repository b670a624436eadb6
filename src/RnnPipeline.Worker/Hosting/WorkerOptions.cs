using System.ComponentModel.DataAnnotations;

namespace RnnPipeline.Worker.Hosting;

/// <summary>What the worker runs and where it writes (section "Worker"; short switches --suite, --output, --resume, --report, --shard).</summary>
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

    /// <summary>
    /// Only render the report of an existing output folder from its saved data views: every finished run, merged from
    /// all shards; missing, failed and unfinished runs are listed.
    /// </summary>
    public bool ReportOnly { get; set; }

    /// <summary>
    /// Empty: the whole suite. <c>INDEX/COUNT</c> or <c>auto/COUNT</c>: train only this shard's runs (see
    /// <see cref="Suites.Shard"/>) and write no report; <c>--report</c> merges the shards afterwards.
    /// </summary>
    public string Shard { get; set; } = "";

    /// <summary>
    /// Pin libtorch's math kernels (see KernelPinning) and, unless <see cref="Threads"/> is set, train every run on one
    /// thread, so a run gives the same bits on every Intel x86-64 machine with AVX2 (on other vendors' CPUs oneMKL takes
    /// its own branch: see <see cref="VendorIndependentKernels"/>). False: the kernels this CPU picks and
    /// all cores (faster where AVX-512 helps; results then differ between machines in their last bits, and chaotic
    /// training can amplify that).
    /// </summary>
    public bool PinKernels { get; set; } = true;

    /// <summary>
    /// With <see cref="PinKernels"/>, pin oneMKL to its COMPATIBLE branch instead of AVX2: the same bits on every x86-64
    /// CPU, Intel and AMD alike, at the cost <c>make bench BENCH_FLAGS="--kernels compatible"</c> measures.
    /// </summary>
    public bool VendorIndependentKernels { get; set; }

    /// <summary>Compute threads in total (0: one per run when <see cref="PinKernels"/>, else all cores); split evenly between parallel runs.</summary>
    [Range(0, 1024)]
    public int Threads { get; set; }

    /// <summary>Runs trained at the same time.</summary>
    [Range(1, 64)]
    public int ParallelRuns { get; set; } = 1;

    /// <summary>
    /// Train runs of one shape (nonlinearity, H, input encoding, vocabulary, window, batch) together as stacked networks
    /// (see TrainingBatch), split evenly over the <see cref="ParallelRuns"/> workers; false: every run alone. Either way a
    /// run gives the same bits: only the speed differs.
    /// </summary>
    public bool BatchRuns { get; set; } = true;

    /// <summary>
    /// Also write every run's records as TensorBoard event files into <c>&lt;run&gt;/tensorboard/</c> (scalars per step,
    /// ‖J_t‖₂ and gradient-flow histograms per stability analysis); view with <c>tensorboard --logdir &lt;output&gt;</c>.
    /// </summary>
    public bool TensorBoard { get; set; }

    /// <summary>
    /// MiB of memory the process may use; a run whose estimated peak of the process (see Suites.MemoryEstimate: the
    /// process's fixed cost, the runs training at once with <see cref="ParallelRuns"/> and in stacks, the records of every
    /// run) is larger is refused before anything trains. 0: the process's memory limit (a container's cgroup limit) or
    /// else physical memory.
    /// </summary>
    [Range(0, long.MaxValue)]
    public long MemoryLimit { get; set; }

    /// <summary>Seconds between progress lines of a run.</summary>
    [Range(0.1, 3600)]
    public double ProgressSeconds { get; set; } = 5;
}
