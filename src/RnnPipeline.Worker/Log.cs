
namespace RnnPipeline.Worker;

/// <summary>Every message the worker writes.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Suite {Suite}: {Runs} run(s) → {Output}")]
    public static partial void SuiteStarting(ILogger logger, string suite, int runs, string output);

    [LoggerMessage(2, LogLevel.Information, "[{Run}] start ({Index}/{Count}): {Activation}, init {Init} × {Gain}, H={Hidden}, T={Window}, {Corpus}, {Steps} steps, {Diagnostics}")]
    public static partial void RunStarting(ILogger logger, string run, int index, int count, string activation, string init, double gain, int hidden, int window, string corpus, int steps, string diagnostics);

    [LoggerMessage(3, LogLevel.Information, "[{Run}] step {Step}/{Total} ({Percent:F0}%) loss {Loss:F3} bpc {Bpc:F3} | {CharsPerSecond:F0} chars/s | ETA {Eta} | clip {ClipPercent:F0}% | non-finite {NonFinite}")]
    public static partial void Progress(ILogger logger, string run, int step, int total, double percent, double loss, double bpc, double charsPerSecond, string eta, double clipPercent, int nonFinite);

    [LoggerMessage(4, LogLevel.Information, "[{Run}] {Status} after {Steps} steps in {Seconds:F1} s; validation {Bpc:F3} bits/char")]
    public static partial void RunFinished(ILogger logger, string run, string status, int steps, double seconds, double bpc);

    [LoggerMessage(5, LogLevel.Error, "[{Run}] failed: {Message}")]
    public static partial void RunFailed(ILogger logger, string run, string message, Exception exception);

    [LoggerMessage(6, LogLevel.Error, "{Message}")]
    public static partial void InvalidInput(ILogger logger, string message);

    [LoggerMessage(7, LogLevel.Warning, "[{Run}] non-finite {Tensor} at step {Step} (timestep {Timestep}): {Action}")]
    public static partial void NonFinite(ILogger logger, string run, string tensor, int step, int timestep, string action);

    [LoggerMessage(8, LogLevel.Warning, "Cancelled: checkpoints, data views and the report of what exists are written; continue with --resume")]
    public static partial void Cancelled(ILogger logger);

    [LoggerMessage(9, LogLevel.Information, "{Line}")]
    public static partial void SummaryLine(ILogger logger, string line);

    [LoggerMessage(10, LogLevel.Information, "Report: {Path}")]
    public static partial void ReportWritten(ILogger logger, string path);

    [LoggerMessage(11, LogLevel.Information, "[{Run}] already finished; kept its results")]
    public static partial void RunAlreadyFinished(ILogger logger, string run);

    [LoggerMessage(13, LogLevel.Error, "suite failed: {Message}")]
    public static partial void SuiteFailed(ILogger logger, string message, Exception exception);

    [LoggerMessage(12, LogLevel.Information, "[{Run}] resuming at step {Step}")]
    public static partial void RunResuming(ILogger logger, string run, int step);

    [LoggerMessage(20, LogLevel.Information, "Suite {Suite}, shard {Shard}: {Runs} of {Total} run(s) → {Output}: {Names}")]
    public static partial void ShardStarting(ILogger logger, string suite, string shard, int runs, int total, string output, string names);

    [LoggerMessage(21, LogLevel.Information, "Shard {Shard} done; once every shard has finished, write the report with --report (same suite and overrides, no --shard)")]
    public static partial void ShardFinished(ILogger logger, string shard);

    [LoggerMessage(22, LogLevel.Warning, "[{Run}] not in the report: {Reason}")]
    public static partial void RunAbsent(ILogger logger, string run, string reason);

    [LoggerMessage(40, LogLevel.Information, "Batch of {Runs} runs ({Shape}) trains together: {Names}")]
    public static partial void BatchStarting(ILogger logger, int runs, string shape, string names);

    [LoggerMessage(41, LogLevel.Information, "Throughput: {Runs} run(s) training, {CharsPerSecond:F0} chars/s in total")]
    public static partial void Throughput(ILogger logger, int runs, double charsPerSecond);

    [LoggerMessage(42, LogLevel.Information, "Trained {Characters} characters in {Seconds:F1} s: {CharsPerSecond:F0} chars/s over all runs")]
    public static partial void SuiteThroughput(ILogger logger, long characters, double seconds, double charsPerSecond);

    [LoggerMessage(30, LogLevel.Warning, "'{Folder}' was last held by a process that ended without releasing it ({Holder}): taking it over and deleting that process's temporary files")]
    public static partial void LockTakenOver(ILogger logger, string folder, string holder);

    [LoggerMessage(43, LogLevel.Information, "Numerics: kernels {Kernels}, {Threads} compute thread(s) per run")]
    public static partial void Numerics(ILogger logger, string kernels, int threads);

    [LoggerMessage(44, LogLevel.Information, "Peak memory: {MiB:F0} MiB resident (VmHWM)")]
    public static partial void PeakMemory(ILogger logger, double miB);
}
