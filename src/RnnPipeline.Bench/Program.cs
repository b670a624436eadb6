using System.Globalization;
using RnnPipeline.Bench;

// make bench: throughput of each training variant per hidden size on the same data and seed, where the step's time
// goes, and memory over a long run.
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (FormatException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
// Kernels pinned as the worker pins them (KernelPinning); --kernels native measures what this CPU picks by itself.
if (options.PinKernels) RnnPipeline.Training.KernelPinning.Pin(options.VendorIndependent);
var bench = new Benchmark(options);
var results = bench.RunAll();
Report.Write(options, results);
return 0;

namespace RnnPipeline.Bench
{
    /// <summary>Benchmark settings; defaults are the product's reference sizes.</summary>
    internal sealed record BenchOptions(int[] Sizes, int Window, int Batch, int Threads, int Rounds, int AnalysisMaxHidden, int[] SweepSizes, int[] SweepRuns, int MemoryHidden, int MemorySteps, string Output, int SuiteSteps = 50, bool PinKernels = true, bool VendorIndependent = false)
    {
        /// <summary>Hidden sizes at which the gated cells (LSTM, GRU) are compared with TorchSharp's fused nn.LSTM / nn.GRU.</summary>
        public int[] GatedSizes { get; init; } = [64, 128, 256, 512];

        private const string Usage = "use --sizes 64,128,…, --sweep-sizes 64,256, --sweep-runs 4,8,16, --gated-sizes 64,256, --window, --batch, --threads, --rounds, --analysis-max-hidden, --suite-steps, --memory-hidden, --memory-steps (positive integers), --output DIR, --kernels pinned|compatible|native";

        public static BenchOptions Parse(string[] args)
        {
            var o = new BenchOptions([64, 128, 256, 512, 1024], 128, 32, 2, 5, 512, [64, 256], [4, 8, 16], 256, 5000, "out/bench");
            for (int i = 0; i < args.Length; i += 2)
            {
                if (i + 1 >= args.Length) throw new FormatException($"option {args[i]} needs a value: {Usage}");
                string value = args[i + 1];
                int n() => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int x) && x > 0
                    ? x : throw new FormatException($"{args[i]} '{value}' is not a positive integer: {Usage}");
                o = args[i] switch
                {
                    "--sizes" => o with { Sizes = [.. value.Split(',').Select(s => { value = s; return n(); })] },
                    "--sweep-sizes" => o with { SweepSizes = [.. value.Split(',').Select(s => { value = s; return n(); })] },
                    "--gated-sizes" => o with { GatedSizes = [.. value.Split(',').Select(s => { value = s; return n(); })] },
                    "--sweep-runs" => o with { SweepRuns = [.. value.Split(',').Select(s => { value = s; return n(); })] },
                    "--suite-steps" => o with { SuiteSteps = n() },
                    "--window" => o with { Window = n() },
                    "--batch" => o with { Batch = n() },
                    "--threads" => o with { Threads = n() },
                    "--rounds" => o with { Rounds = n() },
                    "--analysis-max-hidden" => o with { AnalysisMaxHidden = n() },
                    "--memory-hidden" => o with { MemoryHidden = n() },
                    "--memory-steps" => o with { MemorySteps = n() },
                    "--output" => o with { Output = value },
                    "--kernels" => value is "pinned" or "native" or "compatible"
                        ? o with { PinKernels = value != "native", VendorIndependent = value == "compatible" }
                        : throw new FormatException($"--kernels '{value}': {Usage}"),
                    _ => throw new FormatException($"unknown option {args[i]}: {Usage}"),
                };
            }
            return o;
        }
    }
}
