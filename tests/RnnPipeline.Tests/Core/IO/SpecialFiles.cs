namespace RnnPipeline.Tests.Core.IO;

/// <summary>Files no reader may wait on or read whole: a FIFO, a link to <c>/dev/zero</c>, and a sparse file one byte above a bound.</summary>
public static class SpecialFiles
{
    public enum Kind { Fifo, DevZeroLink, Oversized }

    /// <summary>Replaces <paramref name="path"/> (if anything is there) with a special file of <paramref name="kind"/>; <paramref name="bound"/> is the largest size its reader accepts.</summary>
    public static void Plant(string path, Kind kind, long bound)
    {
        File.Delete(path);
        switch (kind)
        {
            case Kind.Fifo:
                using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path])!)
                {
                    mkfifo.WaitForExit();
                    Assert.Equal(0, mkfifo.ExitCode);
                }
                break;
            case Kind.DevZeroLink:
                File.CreateSymbolicLink(path, "/dev/zero");
                break;
            case Kind.Oversized:
                using (var stream = File.Create(path)) stream.SetLength(bound + 1);   // sparse: nothing is written
                break;
        }
    }

    /// <summary>What a refusal of <paramref name="kind"/> says.</summary>
    public static string Refusal(Kind kind, long bound) => kind == Kind.Oversized ? $"limit of {bound}" : "not a regular file";

    /// <summary>Runs <paramref name="read"/> and returns the InputException it throws, failing (not hanging) when it takes longer than a minute.</summary>
    public static InputException Refused(Action read)
    {
        var task = Task.Run(read);
        Assert.True(((IAsyncResult)task).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(60)), "the reader did not return within a minute (it waits on the file)");
        return Assert.IsType<InputException>(Assert.IsType<AggregateException>(task.Exception).InnerException);
    }
}
