using System.Runtime.CompilerServices;
using RnnPipeline.Training;

namespace RnnPipeline.Tests;

/// <summary>
/// The test process computes as the worker does: pinned kernels (see <see cref="KernelPinning"/>), a fixed number
/// of compute threads (2, whatever the machine's cores) and the collection guard, so that what a test computes does not depend on the machine.
/// </summary>
internal static class PinnedKernels
{
    [ModuleInitializer]
    internal static void Pin()
    {
        KernelPinning.Pin();
        TorchSharp.torch.set_num_threads(2);
        TorchRuntime.GuardCollections();                                          // tests run in parallel, as the worker's runs do
    }
}
