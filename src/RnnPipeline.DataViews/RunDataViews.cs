using Microsoft.ML;
using Microsoft.ML.Data;
using RnnPipeline.DataViews.Schemas;
using RnnPipeline.Diagnostics;
using RnnPipeline.IO;

namespace RnnPipeline.DataViews;

/// <summary>
/// The records of a run as ML.NET data views: one typed table per record kind (see <see cref="RunTables"/> and the schema
/// reference, docs/data-views.md), every row carrying the run's metadata. Saves each table as ML.NET binary (<c>.idv</c>) and CSV,
/// atomically, and loads them back, one run or many runs concatenated.
/// </summary>
public sealed class RunDataViews(MLContext ml)
{
    /// <summary>
    /// Views in an ML.NET context of their own (seed 0, though saving and loading draw no random numbers), for callers
    /// that only save and load runs: they need no <see cref="MLContext"/> of their own, nor a reference to Microsoft.ML.
    /// </summary>
    public RunDataViews() : this(new MLContext(seed: 0))
    {
    }

    private readonly ITable[] _tables =
    [
        new Table<RunRow>(RunTables.Runs, r => [new RunRow().With<RunRow>(r.Info)], (_, _) => { }),
        new Table<MetricRow>(RunTables.Metrics,
            r => r.Metrics.Join(r.Clips, m => m.Step, c => c.Step, (m, c) => new MetricRow
            {
                Step = m.Step, Loss = m.Loss, BitsPerChar = m.BitsPerChar, LearningRate = m.LearningRate, CharsPerSecond = m.CharsPerSecond,
                ElapsedSeconds = m.ElapsedSeconds, PreClipNorm = c.PreClipNorm, PostClipNorm = c.PostClipNorm, ClipThreshold = c.Threshold,
                Clipped = c.Clipped, ClipScale = c.Scale,
            }.With<MetricRow>(r.Info)),
            (r, x) =>
            {
                r.Record(new TrainingMetric(x.Step, x.Loss, x.BitsPerChar, x.LearningRate, x.CharsPerSecond, x.ElapsedSeconds));
                r.Record(new ClipRecord(x.Step, x.PreClipNorm, x.PostClipNorm, x.ClipThreshold, x.Clipped, x.ClipScale));
            }),
        new Table<GradientFlowRow>(RunTables.GradientFlow,
            r => r.GradientFlow.SelectMany(g => g.HiddenGradNorms.Select((v, t) => new GradientFlowRow { Step = g.Step, Timestep = t, GradNorm = v }.With<GradientFlowRow>(r.Info))),
            (r, x) =>
            {
                if (x.Timestep == 0) r.Record(new GradientFlowRecord(x.Step, []));
                var last = r.GradientFlow[^1];
                r.GradientFlow[^1] = last with { HiddenGradNorms = [.. last.HiddenGradNorms, (float)x.GradNorm] };
            }),
        new Table<EvaluationRow>(RunTables.Evaluations,
            r => r.Evaluations.Select(e => new EvaluationRow { Step = e.Step, Loss = e.Loss, BitsPerChar = e.BitsPerChar }.With<EvaluationRow>(r.Info)),
            (r, x) => r.Record(new EvaluationRecord(x.Step, x.Loss, x.BitsPerChar))),
        new Table<NonFiniteRow>(RunTables.NonFinite,
            r => r.NonFinite.Select(e => new NonFiniteRow
            {
                Step = e.Step, Tensor = e.Tensor, Timestep = e.Timestep, Policy = e.Policy.ToString(), Action = e.Action, LearningRateAfter = e.LearningRateAfter,
            }.With<NonFiniteRow>(r.Info)),
            (r, x) => r.Record(new NonFiniteEvent(x.Step, x.Tensor, x.Timestep, Enum.Parse<Options.NonFinitePolicy>(x.Policy), x.Action, x.LearningRateAfter))),
        new Table<StabilityRow>(RunTables.Stability,
            r => r.Stability.Select(s => new StabilityRow
            {
                Step = s.Step, WhhNorm = s.WhhNorm, SpectralRadius = s.SpectralRadius, Gamma = s.Gamma, MeanJacobianNorm = s.MeanJacobianNorm,
                Lyapunov1 = s.Lyapunov.Length > 0 ? s.Lyapunov[0] : double.NaN, MemoryHorizon = s.MemoryHorizon, LongLagGradShare = s.LongLagGradShare,
            }.With<StabilityRow>(r.Info)),
            (r, x) => r.Stability.Add(new StabilitySummary(x.Step, x.WhhNorm, x.SpectralRadius, x.Gamma, x.MeanJacobianNorm, [], x.MemoryHorizon, x.LongLagGradShare))),
        new Table<LyapunovRow>(RunTables.Lyapunov,
            r => r.Stability.SelectMany(s => s.Lyapunov.Select((v, i) => new LyapunovRow { Step = s.Step, Index = i + 1, Exponent = v }.With<LyapunovRow>(r.Info))),
            (r, x) =>
            {
                int i = r.Stability.FindIndex(s => s.Step == x.Step);
                r.Stability[i] = r.Stability[i] with { Lyapunov = [.. r.Stability[i].Lyapunov, x.Exponent] };
            }),
        new Table<TimestepRow>(RunTables.Timesteps,
            r => r.Timesteps.Select(t => new TimestepRow
            {
                Step = t.Step, Timestep = t.Timestep, JacobianNorm = t.JacobianNorm, DerivativeMean = t.DerivativeMean, DerivativeMax = t.DerivativeMax,
                SaturatedFraction = t.SaturatedFraction, DeadFraction = t.DeadFraction, GradNorm = t.GradNorm, GradRatio = t.GradRatio,
                CellPathNorm = t.CellPathNorm,
            }.With<TimestepRow>(r.Info)),
            (r, x) => r.Timesteps.Add(new TimestepStats(x.Step, x.Timestep, x.JacobianNorm, x.DerivativeMean, x.DerivativeMax, x.SaturatedFraction, x.DeadFraction, x.GradNorm, x.GradRatio) { CellPathNorm = x.CellPathNorm })),
        new Table<LagRow>(RunTables.Lags,
            r => r.Lags.Select(l => new LagRow { Step = l.Step, Lag = l.Lag, ProductNorm = l.ProductNorm, ProductBound = l.ProductBound, GradRatio = l.GradRatio }.With<LagRow>(r.Info)),
            (r, x) => r.Lags.Add(new LagStats(x.Step, x.Lag, x.ProductNorm, x.ProductBound, x.GradRatio))),
        new Table<ProbeRow>(RunTables.Probes,
            r => r.Probes.Select(p => new ProbeRow { Step = p.Step, Lag = p.Lag, ProbeSeed = p.Seed, Accuracy = p.Accuracy, Chance = p.Chance, Samples = p.Samples, Correct = p.Correct }.With<ProbeRow>(r.Info)),
            (r, x) => r.Record(new ProbeAccuracy(x.Lag, x.ProbeSeed, x.Correct, x.Samples, x.Chance, x.Step))),
    ];

    /// <summary>Names of every table, in the order they are saved.</summary>
    public IEnumerable<string> TableNames => _tables.Select(t => t.Name);

    /// <summary>One table of <paramref name="run"/> as a data view (rows snapshotted, so cursors are cheap and stable).</summary>
    public IDataView View(RunRecording run, string table) => Find(table).View(ml, run);

    /// <summary>
    /// Writes every table of <paramref name="run"/> to <paramref name="folder"/> as &lt;table&gt;.idv and &lt;table&gt;.csv,
    /// atomically and with their SHA-256 in the folder's <see cref="FileChecksums.FileName"/>.
    /// </summary>
    public void Save(RunRecording run, string folder)
    {
        using var files = new AtomicFileSet();
        Save(run, folder, files);
        files.Commit();
    }

    /// <summary>Stages every table of <paramref name="run"/> in <paramref name="files"/> (committed by the caller with its other files).</summary>
    public void Save(RunRecording run, string folder, AtomicFileSet files)
    {
        foreach (var table in _tables)
        {
            var view = table.View(ml, run);
            files.Write(Path.Combine(folder, table.Name + ".idv"), s => ml.Data.SaveAsBinary(view, s, keepHidden: false));
            files.Write(Path.Combine(folder, table.Name + ".csv"), s => ml.Data.SaveAsText(view, s, separatorChar: ',', headerRow: true, schema: false));
        }
    }

    /// <summary>Reads the tables saved in <paramref name="folder"/> back into a <see cref="RunRecording"/>, after checking every file's SHA-256.</summary>
    /// <exception cref="InputException">The folder holds no saved run, or a file is missing or damaged.</exception>
    public RunRecording Load(string folder)
    {
        string runs = Path.Combine(folder, RunTables.Runs + ".idv");
        if (!File.Exists(runs))
            throw new InputException($"'{folder}' holds no saved run data ({RunTables.Runs}.idv is missing): point to a run's data folder");
        VerifyFiles(folder);
        var info = ml.Data.CreateEnumerable<RunRow>(Table<RunRow>.Read(ml, runs), reuseRowObject: false).Single().ToRunInfo();
        var recording = new RunRecording(info);
        foreach (var table in _tables) table.AddTo(ml, recording, Path.Combine(folder, table.Name + ".idv"));
        return recording;
    }

    /// <summary>Checks that every table's .idv and .csv in <paramref name="folder"/> exists and matches its recorded SHA-256.</summary>
    /// <exception cref="InputException">A file is missing, unlisted or damaged.</exception>
    public void VerifyFiles(string folder)
    {
        foreach (var table in _tables)
            foreach (string extension in (string[])[".idv", ".csv"])
                FileChecksums.Verify(Path.Combine(folder, table.Name + extension), DamagedFix, MaximumFileBytes);
    }

    /// <summary>One table of several saved runs as a single data view (rows in folder order).</summary>
    /// <exception cref="InputException">A file is missing or damaged.</exception>
    public IDataView LoadTable(IEnumerable<string> runFolders, string table)
    {
        string[] paths = runFolders.Select(f => Path.Combine(f, table + ".idv")).ToArray();
        foreach (string path in paths) FileChecksums.Verify(path, DamagedFix, MaximumFileBytes);
        return Find(table).Concatenate(ml, paths);
    }

    /// <summary>
    /// Largest data view file read or hashed: four times the memory this process may use (the container's limit, else
    /// physical memory, as the runtime reports it). A table's rows are all held in memory while its run trains and when
    /// it is loaded, so a file far larger than memory was not written by the worker; it is refused by its length before
    /// it is hashed. The factor leaves room for the CSV, which repeats the run's metadata on every row.
    /// </summary>
    public static long MaximumFileBytes => 4 * GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    private const string DamagedFix = "restore the file, or train the run again (without --resume)";

    private ITable Find(string name) =>
        _tables.FirstOrDefault(t => t.Name == name) ?? throw new ArgumentException($"unknown table '{name}': use one of {string.Join(", ", TableNames)}", nameof(name));

    private interface ITable
    {
        string Name { get; }
        IDataView View(MLContext ml, RunRecording run);
        void AddTo(MLContext ml, RunRecording run, string path);
        IDataView Concatenate(MLContext ml, string[] paths);
    }

    private sealed class Table<TRow>(string name, Func<RunRecording, IEnumerable<TRow>> rows, Action<RunRecording, TRow> add) : ITable
        where TRow : RunColumns, new()
    {
        public string Name => name;

        public IDataView View(MLContext ml, RunRecording run) => ml.Data.LoadFromEnumerable(rows(run).ToArray());

        public void AddTo(MLContext ml, RunRecording run, string path)
        {
            if (!File.Exists(path)) return;
            foreach (var row in ml.Data.CreateEnumerable<TRow>(Read(ml, path), reuseRowObject: false))
            {
                if (row.RunId != run.Info.RunId || row.ConfigHash != run.Info.ConfigHash)
                    throw new InputException(
                        $"'{Path.GetFullPath(path)}' holds rows of run {row.RunId} (config {row.ConfigHash}) beside {RunTables.Runs}.idv of run {run.Info.RunId} (config {run.Info.ConfigHash}): the folder mixes two runs' files; train the run again (without --resume)");
                add(run, row);
            }
        }

        public IDataView Concatenate(MLContext ml, string[] paths) =>
            ml.Data.LoadFromEnumerable(paths.SelectMany(p => ml.Data.CreateEnumerable<TRow>(Read(ml, p), reuseRowObject: false)).ToArray());

        /// <summary>The saved view, checked to have every column of <typeparamref name="TRow"/> (files of an older version may lack one).</summary>
        public static IDataView Read(MLContext ml, string path)
        {
            var view = ml.Data.LoadFromBinary(path);
            string[] missing = SchemaDefinition.Create(typeof(TRow)).Select(c => c.ColumnName).Where(c => view.Schema.GetColumnOrNull(c) is null).ToArray();
            if (missing.Length > 0)
                throw new InputException($"'{Path.GetFullPath(path)}' has no column {string.Join(", ", missing)}: it was written by an older version; train the run again (without --resume)");
            return view;
        }
    }
}
