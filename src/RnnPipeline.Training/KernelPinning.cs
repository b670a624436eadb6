using System.Runtime.InteropServices;

namespace RnnPipeline.Training;

/// <summary>
/// Pins the math kernels libtorch picks by CPU. Pinned to AVX2 (the default), a run gives the same bits on every Intel
/// x86-64 CPU with AVX2 (AVX2-only and AVX-512 alike); on other vendors' CPUs oneMKL does not take its AVX2 branch but
/// its automatic one (Intel oneMKL developer reference, "Obtaining Numerically Reproducible Results": the AVX2 setting
/// applies to Intel processors), so an AMD machine may give other bits than an Intel one, and AMD machines of different
/// models other bits among themselves. Pinned to oneMKL's COMPATIBLE branch (<c>vendorIndependent</c>), the same bits on
/// every x86-64 CPU, at a cost in speed that <c>make bench --kernels compatible</c> measures.
/// Two choices are made by the machine unless pinned: oneMKL's code path for sgemm and
/// friends (conditional numerical reproducibility, <c>MKL_CBWR</c>; Intel oneMKL developer reference, "Obtaining
/// Numerically Reproducible Results") and ATen's vectorised kernels (<c>ATEN_CPU_CAPABILITY</c>, read by
/// <c>at::get_cpu_capability</c>). Both are read once, when libtorch first needs them, so <see cref="Pin"/> must run
/// before the first tensor operation of the process. The thread count matters too (reductions split by thread):
/// callers train each pinned run on a fixed number of threads.
/// </summary>
public static class KernelPinning
{
    /// <summary>oneMKL code path: AVX2 kernels, strict (no run-to-run variation from alignment or threads).</summary>
    public const string MklCbwr = "AVX2,STRICT";

    /// <summary>oneMKL code path independent of the CPU's vendor: SSE2 without approximate reciprocals, strict.</summary>
    public const string MklCbwrCompatible = "COMPATIBLE,STRICT";

    /// <summary>ATen kernel set: AVX2 (exists on every x86-64 CPU from 2013 on; AVX-512 machines run it too).</summary>
    public const string AtenCapability = "avx2";

    /// <summary>
    /// Sets <c>MKL_CBWR</c> (<see cref="MklCbwr"/>, or <see cref="MklCbwrCompatible"/> with <paramref name="vendorIndependent"/>)
    /// and <c>ATEN_CPU_CAPABILITY</c> in the native environment (overriding any value there).
    /// Does nothing on CPUs other than x86-64.
    /// </summary>
    /// <exception cref="InvalidOperationException">libtorch is already loaded in this process: the kernels are chosen.</exception>
    public static void Pin(bool vendorIndependent = false)
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64) return;
        if (LibTorchLoaded())
            throw new InvalidOperationException("KernelPinning.Pin must run before the first TorchSharp call of the process (libtorch is already loaded)");
        Set("MKL_CBWR", vendorIndependent ? MklCbwrCompatible : MklCbwr);
        Set("ATEN_CPU_CAPABILITY", AtenCapability);
    }

    /// <summary>The kernel settings in effect, for logs and reports, e.g. "MKL_CBWR=AVX2,STRICT ATEN_CPU_CAPABILITY=avx2" or "native".</summary>
    public static string Describe()
    {
        string? mkl = Get("MKL_CBWR"), aten = Get("ATEN_CPU_CAPABILITY");
        return mkl is null && aten is null ? "native" : $"MKL_CBWR={mkl ?? "native"} ATEN_CPU_CAPABILITY={aten ?? "native"}";
    }

    internal static bool LibTorchLoaded() =>
        OperatingSystem.IsLinux() && File.Exists("/proc/self/maps") && File.ReadAllText("/proc/self/maps").Contains("libtorch_cpu", StringComparison.Ordinal);

    // .NET's Environment.SetEnvironmentVariable does not reach the native environment on Unix, where libtorch reads it.
    internal static void Set(string name, string value)
    {
        if (OperatingSystem.IsWindows()) { SetWindows(name, value); return; }
        if (SetUnix(name, value, 1) != 0) throw new InvalidOperationException($"setenv({name}) failed");
    }

    internal static string? Get(string name) =>
        OperatingSystem.IsWindows() ? Environment.GetEnvironmentVariable(name) : Marshal.PtrToStringUTF8(GetUnix(name));

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetUnix([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    [DllImport("libc", EntryPoint = "getenv")]
    private static extern IntPtr GetUnix([MarshalAs(UnmanagedType.LPUTF8Str)] string name);

    [DllImport("kernel32", EntryPoint = "SetEnvironmentVariableW", CharSet = CharSet.Unicode)]
    private static extern bool SetWindowsNative(string name, string value);

    private static void SetWindows(string name, string value)
    {
        Environment.SetEnvironmentVariable(name, value);
        SetWindowsNative(name, value);
    }
}
