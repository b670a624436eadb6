using System.Diagnostics;
using System.Runtime.InteropServices;

namespace RnnPipeline.Tests.Worker;

/// <summary>Runs the worker as a real process (exit codes, stderr and signals as a user sees them).</summary>
internal static partial class WorkerProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    private static string WorkerDll => Path.Combine(AppContext.BaseDirectory, "RnnPipeline.Worker.dll");

    /// <summary>Array-job variables a test machine's own scheduler may set; the worker only sees the ones a test passes.</summary>
    private static readonly string[] ArrayJobVariables = ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT"];

    public static ProcessStartInfo StartInfo(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(WorkerDll);
        foreach (string a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (string name in ArrayJobVariables) info.Environment.Remove(name);
        return info;
    }

    public static Result Run(string workingDirectory, params string[] args) => Run(StartInfo(workingDirectory, args));

    /// <summary>Runs the worker with extra environment variables.</summary>
    public static Result RunWithEnvironment(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = StartInfo(workingDirectory, args);
        foreach (var (name, value) in environment) info.Environment[name] = value;
        return Run(info);
    }

    /// <summary>Runs the worker under an open-file limit (<c>ulimit -n</c>, soft and hard) set by a shell that then becomes the worker.</summary>
    public static Result RunWithOpenFileLimit(string workingDirectory, int limit, params string[] args)
    {
        var worker = StartInfo(workingDirectory, args);
        var info = new ProcessStartInfo("bash") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"ulimit -n {limit} && exec \"$0\" \"$@\"");
        info.ArgumentList.Add(worker.FileName);
        foreach (string a in worker.ArgumentList) info.ArgumentList.Add(a);
        foreach (var (name, value) in worker.Environment) info.Environment[name] = value;
        foreach (string name in ArrayJobVariables) info.Environment.Remove(name);
        return Run(info);
    }

    private static Result Run(ProcessStartInfo info)
    {
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(6)))                    // generous: test machines may be heavily loaded
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"worker did not finish: {string.Join(' ', info.ArgumentList.Skip(1))}");
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
