using System.Runtime.CompilerServices;
using RnnPipeline.Training;

namespace RnnPipeline.Tests;

/// <summary>The test process computes with pinned kernels, as the worker does (see <see cref="KernelPinning"/>).</summary>
internal static class PinnedKernels
{
    [ModuleInitializer]
    internal static void Pin() => KernelPinning.Pin();
}
