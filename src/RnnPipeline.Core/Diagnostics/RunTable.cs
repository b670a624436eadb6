namespace RnnPipeline.Diagnostics;

/// <summary>A table of a saved run (<see cref="RunTables"/>): its file name and what one row is.</summary>
/// <param name="Name">File name without extension: <c>&lt;Name&gt;.idv</c> and <c>&lt;Name&gt;.csv</c>.</param>
/// <param name="Rows">What one row is; the heading of the table's section in docs/data-views.md is "Name — Rows".</param>
public sealed record RunTable(string Name, string Rows);
