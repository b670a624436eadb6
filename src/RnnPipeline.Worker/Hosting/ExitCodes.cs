namespace RnnPipeline.Worker.Hosting;

/// <summary>Process exit codes of the worker (documented in the README).</summary>
public static class ExitCodes
{
    /// <summary>Every run finished (a run halted by its non-finite policy counts as finished).</summary>
    public const int Success = 0;
    /// <summary>At least one run, or the suite itself (e.g. writing its report), failed with an unexpected error.</summary>
    public const int RunFailed = 1;
    /// <summary>Invalid configuration, command line or input file; nothing was trained.</summary>
    public const int InvalidInput = 2;
    /// <summary>Cancelled by Ctrl+C or SIGTERM after checkpointing (resume with --resume).</summary>
    public const int Cancelled = 130;
}
