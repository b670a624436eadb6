namespace RnnPipeline.Worker.Jobs;

/// <summary>The run folders a process holds (see <see cref="RunLock"/>); disposing releases them all.</summary>
internal sealed class RunLocks : IDisposable
{
    private readonly Dictionary<string, RunLock> _locks = new(StringComparer.Ordinal);

    /// <summary>Run folders whose previous holder was killed, with its description.</summary>
    public IEnumerable<(string Folder, string Holder)> Interrupted =>
        _locks.Where(l => l.Value.PreviousHolder is not null).Select(l => (l.Key, l.Value.PreviousHolder!));

    public void Add(string folder, RunLock runLock) => _locks.Add(folder, runLock);

    /// <summary>Whether this process holds the lock of <paramref name="folder"/>.</summary>
    public bool Holds(string folder) => _locks.ContainsKey(folder);

    public void Dispose()
    {
        foreach (var runLock in _locks.Values) runLock.Dispose();
        _locks.Clear();
    }
}
