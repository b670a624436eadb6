using System.Globalization;
using RnnPipeline.Bench;

// make bench: throughput of each training variant on the same data and seed, and memory over a long run.
var options = BenchOptions.Parse(args);
var bench = new Benchmark(options);
var results = bench.RunAll();
Report.Write(options, results);

namespace RnnPipeline.Bench
{
    /// <summary>Benchmark settings; defaults are the product's reference size.</summary>
    internal sealed record BenchOptions(int Hidden, int Window, int Batch, int Threads, int WarmupSteps, int Rounds, int MemorySteps, string Output)
    {
        public static BenchOptions Parse(string[] args)
        {
            var o = new BenchOptions(256, 128, 32, 2, 10, 5, 5000, "out/bench");
            for (int i = 0; i + 1 < args.Length; i += 2)
            {
                int n() => int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                o = args[i] switch
                {
                    "--hidden" => o with { Hidden = n() },
                    "--window" => o with { Window = n() },
                    "--batch" => o with { Batch = n() },
                    "--threads" => o with { Threads = n() },
                    "--warmup" => o with { WarmupSteps = n() },
                    "--rounds" => o with { Rounds = n() },
                    "--memory-steps" => o with { MemorySteps = n() },
                    "--output" => o with { Output = args[i + 1] },
                    _ => throw new ArgumentException($"unknown option {args[i]}: use --hidden, --window, --batch, --threads, --warmup, --rounds, --memory-steps, --output"),
                };
            }
            return o;
        }
    }
}
