namespace RnnPipeline.Worker.Jobs;

/// <summary>
/// Checks of the suite folder's layout before a process locks or writes anything in it: every run folder, its
/// <c>data/</c>, <c>plots/</c> and <c>tensorboard/</c>, and the suite's <c>plots/</c> must be real folders (not files, not
/// symbolic links, which would send the output elsewhere), and an existing run folder and its subfolders must be writable.
/// </summary>
internal static class OutputChecks
{
    private const string Fix = "remove or rename it, or write to another --output";

    /// <summary>Checks the suite's <c>plots/</c> and the folders of the runs <paramref name="runNames"/>.</summary>
    /// <exception cref="InputException">The first problem, naming the path and the fix.</exception>
    public static void Check(string suiteFolder, IEnumerable<string> runNames, bool write)
    {
        RequireFolderOrNothing(Path.Combine(suiteFolder, "plots"), "the suite's plot folder");
        foreach (string name in runNames)
        {
            var folder = new RunFolder(suiteFolder, name);
            RequireFolderOrNothing(folder.Path, $"the folder of run '{name}'");
            if (!Directory.Exists(folder.Path)) continue;
            RequireFolderOrNothing(folder.Data, $"the data folder of run '{name}'");
            RequireFolderOrNothing(folder.Plots, $"the plot folder of run '{name}'");
            RequireFolderOrNothing(folder.TensorBoard, $"the TensorBoard folder of run '{name}'");
            foreach (string file in new[] { folder.Checkpoint, Path.Combine(folder.Path, "run.json"), Path.Combine(folder.Path, RunLock.FileName) })
                if (Directory.Exists(file)) throw new InputException($"'{file}' is a folder where run '{name}' keeps a file: {Fix}");
            if (!write) continue;
            RequireWritable(folder.Path, $"the folder of run '{name}'");
            // Written while the run trains or when it finishes: a read-only one would fail the run midway.
            foreach (var (sub, what) in new[] { (folder.Data, "data"), (folder.Plots, "plot"), (folder.TensorBoard, "TensorBoard") })
                if (Directory.Exists(sub)) RequireWritable(sub, $"the {what} folder of run '{name}'");
        }
    }

    private static void RequireFolderOrNothing(string path, string what)
    {
        var info = new DirectoryInfo(path);
        if (info.LinkTarget is not null)
            throw new InputException($"'{path}' is a symbolic link where {what} must be a real folder (output is never written through links): {Fix}");
        if (File.Exists(path))
            throw new InputException($"'{path}' is a file where {what} must be: {Fix}");
    }

    private static void RequireWritable(string folder, string what)
    {
        string check = Path.Combine(folder, $".write-check.{Environment.ProcessId}.{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(check, FileMode.CreateNew, FileAccess.Write, FileShare.None)) { }
            File.Delete(check);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{what} ('{folder}') is not writable ({e.Message.TrimEnd('.')}): fix its permissions, or write to another --output");
        }
    }
}
