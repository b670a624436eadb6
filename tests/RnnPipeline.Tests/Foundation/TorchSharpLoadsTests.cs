using static TorchSharp.torch;

namespace RnnPipeline.Tests.Foundation;

/// <summary>Fails without the GLIBCXX loader fix in Directory.Build.targets on Debian 12.</summary>
public sealed class TorchSharpLoadsTests
{
    [Fact]
    public void ForwardBackward_OnSmallLinearModel_ProducesExpectedGradient()
    {
        var w = tensor(new[] { 1.0f, 2.0f, 3.0f }, requires_grad: true);
        var x = tensor(new[] { 4.0f, 5.0f, 6.0f });
        var y = (w * x).sum();
        y.backward();

        Assert.Equal(32.0f, y.item<float>());
        Assert.Equal(new[] { 4.0f, 5.0f, 6.0f }, w.grad!.data<float>().ToArray());
    }

    [Fact]
    public void NativeLibrary_InOutputFolder_HasWeakGlibcxxRequirement()
    {
        string so = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!OperatingSystem.IsLinux()) return;
        Assert.True(File.Exists(so), $"{so} is missing");
        Assert.True(ElfVersionNeeds.IsWeak(so, "GLIBCXX_3.4.32"), "GLIBCXX_3.4.32 must be marked weak by the build");
    }
}
