namespace RnnPipeline.Reporting;

/// <summary>A run of the suite that a report leaves out, and why (e.g. its shard has not written it yet, or it failed).</summary>
/// <param name="Name">Run name.</param>
/// <param name="Reason">Why it is not in the report and what to do, one line.</param>
public sealed record AbsentRun(string Name, string Reason);
