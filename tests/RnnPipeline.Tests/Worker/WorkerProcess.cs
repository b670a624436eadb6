using System.Diagnostics;
using System.Runtime.InteropServices;

namespace RnnPipeline.Tests.Worker;

/// <summary>Runs the worker as a real process (exit codes, stderr and signals as a user sees them).</summary>
internal static partial class WorkerProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    private static string WorkerDll => Path.Combine(AppContext.BaseDirectory, "RnnPipeline.Worker.dll");

    public static ProcessStartInfo StartInfo(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(WorkerDll);
        foreach (string a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_NOLOGO"] = "1";
        return info;
    }

    public static Result Run(string workingDirectory, params string[] args)
    {
        using var process = Process.Start(StartInfo(workingDirectory, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"worker did not finish: {string.Join(' ', args)}");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Starts the worker, sends SIGTERM once <paramref name="when"/> sees a line of its output, and waits.</summary>
    public static Result RunAndTerminate(string workingDirectory, Func<string, bool> when, params string[] args)
    {
        using var process = Process.Start(StartInfo(workingDirectory, args))!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = new System.Text.StringBuilder();
        bool signalled = false;
        while (process.StandardOutput.ReadLine() is { } line)
        {
            stdout.AppendLine(line);
            if (!signalled && when(line))
            {
                signalled = true;
                Assert.Equal(0, Kill(process.Id, 15));
            }
        }
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)));
        return new Result(process.ExitCode, stdout.ToString(), stderr.Result);
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
