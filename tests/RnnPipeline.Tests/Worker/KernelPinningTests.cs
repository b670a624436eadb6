using RnnPipeline.Training;

namespace RnnPipeline.Tests.Worker;

/// <summary>
/// Two machines that differ in their vector units are simulated on one: each kernel setting a CPU would pick by
/// itself (MKL_CBWR and ATEN_CPU_CAPABILITY in the environment; AVX-512 and AVX2 both exist on x86-64 machines with
/// AVX-512). Unpinned, the same run gives different bits under the two; pinned, identical bits.
/// </summary>
public sealed class KernelPinningTests
{
    private static string Losses(string root, string kernels, bool pinned)
    {
        string[] parts = kernels.Split(' ');
        var environment = new Dictionary<string, string> { ["ATEN_CPU_CAPABILITY"] = parts[0], ["MKL_CBWR"] = parts[1] };
        string output = Path.Combine(root, $"{parts[0]}-{pinned}");
        var result = WorkerProcess.RunWithEnvironment(root, environment, "--suite", Path.Combine(root, "suite.json"), "--output", output,
            "--Worker:PinKernels=" + pinned, "--Worker:Threads=1");
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Contains(pinned ? $"Numerics: kernels MKL_CBWR={KernelPinning.MklCbwr}" : $"Numerics: kernels MKL_CBWR={parts[1]}", result.Stdout);
        // The loss column of every step, and the weights as saved (wall-clock columns excluded).
        var losses = File.ReadLines(Path.Combine(output, "pin", "r", "data", "metrics.csv")).Skip(1).Select(l => l.Split(',')[1]);
        return string.Join(";", losses);
    }

    [Fact]
    public void SameRun_TwoKernelSettings_DifferUnpinned_AndAreBitIdenticalPinned()
    {
        if (!File.ReadAllText("/proc/cpuinfo").Contains("avx512f", StringComparison.Ordinal))
            return;                                                              // only one kernel setting exists on this CPU
        string root = Directory.CreateTempSubdirectory("rnnpipeline-pin-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(root, "suite.json"), """
                { "Name": "pin", "Defaults": { "Model": { "HiddenSize": 64 },
                  "Training": { "Steps": 150, "BatchSize": 32, "WindowLength": 128, "LearningRate": 0.01, "EvalEvery": 150 },
                  "Diagnostics": { "Every": 0 } },
                  "Runs": [ { "Name": "r", "Corpus": { "Kind": "DelayedRecall", "Lags": [2, 4, 8], "KeyCount": 8, "GeneratedLength": 20000 } } ] }
                """);
            Assert.NotEqual(Losses(root, "avx512 AVX512", pinned: false), Losses(root, "avx2 AVX2", pinned: false));
            Assert.Equal(Losses(root, "avx512 AVX512", pinned: true), Losses(root, "avx2 AVX2", pinned: true));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Pin_AfterLibTorchLoaded_Refuses()
    {
        _ = TorchSharp.torch.zeros(1);                                           // this process has loaded libtorch
        Assert.Throws<InvalidOperationException>(() => KernelPinning.Pin());
    }
}
