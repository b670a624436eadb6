using System.Runtime.CompilerServices;
using RnnPipeline.Training;

namespace RnnPipeline.Tests;

/// <summary>
/// The test process computes as the worker does: pinned kernels (see <see cref="KernelPinning"/>), a fixed number
/// of compute threads (2, whatever the machine's cores), so that what a test computes does not depend on the machine. Tests
/// run in parallel and allocate beside tensor work, as the worker's runs do, with no collection guard: the library needs none.
/// </summary>
internal static class PinnedKernels
{
    [ModuleInitializer]
    internal static void Pin()
    {
        KernelPinning.Pin();
        TorchSharp.torch.set_num_threads(2);
    }
}
