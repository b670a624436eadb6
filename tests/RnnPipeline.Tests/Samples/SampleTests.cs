using System.Globalization;
using System.Text.RegularExpressions;
using RnnPipeline.Samples;

namespace RnnPipeline.Tests.Samples;

/// <summary>Runs each sample and compares its output with the "// Expected output:" block at the end of its file.</summary>
public sealed partial class SampleTests
{
    [GeneratedRegex(@"-?\d+(\.\d+)?")]
    private static partial Regex Number();

    private static string SampleFile(string name, [System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "samples", name, name + "Sample.cs"));

    private static string[] Expected(string name) =>
        File.ReadAllLines(SampleFile(name)).SkipWhile(l => l != "// Expected output:").Skip(1)
            .Where(l => l.StartsWith("// ", StringComparison.Ordinal)).Select(l => l[3..]).ToArray();

    /// <summary>Same text once numbers are masked, and every number within 3% (or 0.03) of the expected one.</summary>
    private static void AssertMatches(string[] expected, string actual)
    {
        string[] lines = actual.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.True(lines.Length >= expected.Length, $"output has {lines.Length} lines, expected at least {expected.Length}:\n{actual}");
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(Number().Replace(expected[i], "#"), Number().Replace(lines[i], "#"));
            var e = Number().Matches(expected[i]).Select(m => double.Parse(m.Value, CultureInfo.InvariantCulture)).ToArray();
            var a = Number().Matches(lines[i]).Select(m => double.Parse(m.Value, CultureInfo.InvariantCulture)).ToArray();
            for (int k = 0; k < e.Length; k++)
                Assert.True(Math.Abs(e[k] - a[k]) <= Math.Max(0.03, 0.03 * Math.Abs(e[k])), $"line {i + 1}: expected '{expected[i]}', got '{lines[i]}'");
        }
    }

    [Fact]
    public void LineClassification_ProducesItsExpectedOutput()
    {
        var output = new StringWriter();
        LineClassificationSample.Run(output);
        AssertMatches(Expected("LineClassification"), output.ToString());
    }

    [Fact]
    public void DiagnosticsQuery_ProducesItsExpectedOutput()
    {
        var output = new StringWriter();
        DiagnosticsQuerySample.Run(output);
        AssertMatches(Expected("DiagnosticsQuery"), output.ToString());
    }

    [Fact]
    public void NestingDepth_ProducesItsExpectedOutput()
    {
        var output = new StringWriter();
        NestingDepthSample.Run(output);
        AssertMatches(Expected("NestingDepth"), output.ToString());
    }
}
