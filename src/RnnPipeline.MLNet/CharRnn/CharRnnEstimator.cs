using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using RnnPipeline.Diagnostics;
using RnnPipeline.Training;
using RnnPipeline.Training.Text;

namespace RnnPipeline.MLNet.CharRnn;

/// <summary>
/// Trains a character RNN language model on a text column (non-empty rows joined by newlines) — or, created by
/// <see cref="CharRnnCatalog.ApplyCharRnn(TransformsCatalog.TextTransforms, string, string, string?, CharRnnOptions?, string?)"/>,
/// takes a pretrained one and trains nothing — and yields a <see cref="CharRnnTransformer"/> that adds a fixed-size
/// feature vector (pooled hidden states) and the model's bits per character to each row. It chains with
/// <c>Append</c> like ML.NET's own estimators. Progress goes to <c>MLContext.Log</c>; the training records are kept on
/// the transformer.
/// </summary>
public sealed class CharRnnEstimator : IEstimator<CharRnnTransformer>
{
    /// <summary>
    /// Stability snapshots a fit with <see cref="CharRnnOptions.RecordDiagnostics"/> takes at least (besides the first and
    /// last step): the worker's default period suits runs of many thousand steps and left a 1,000-step fit with two.
    /// </summary>
    internal const int ReportSnapshots = 20;

    private readonly IHostEnvironment _environment;
    private readonly MLContext _plumbing = new();
    private readonly CharRnnColumns _columns;
    private readonly CharRnnOptions _options;
    private readonly CharRnnPretrained? _pretrained;

    internal CharRnnEstimator(IHostEnvironment environment, CharRnnColumns columns, CharRnnOptions options, CharRnnPretrained? pretrained = null)
    {
        _environment = environment;
        _columns = columns;
        options.Validate(trains: pretrained is null);                           // before copying: a copy goes through JSON, which rejects NaN
        _options = options.Clone();
        _options.Seed ??= ContextSeed.Of(environment);
        _pretrained = pretrained;
        if (pretrained is not null) _options.Run = pretrained.Spec.Clone();      // describes the model; not validated as a featurizer's
    }

    /// <summary>The columns this estimator reads and writes.</summary>
    public CharRnnColumns Columns => _columns;

    /// <summary>
    /// A copy of the settings this estimator fits with: <see cref="CharRnnOptions.Seed"/> resolved (the MLContext's seed
    /// when it was not set); with a pretrained model, <see cref="CharRnnOptions.Run"/> is the model's own specification.
    /// </summary>
    public CharRnnOptions Options => _options.Clone();

    /// <summary>Whether <see cref="Fit(IDataView)"/> uses a pretrained model (and trains nothing).</summary>
    public bool IsPretrained => _pretrained is not null;

    /// <inheritdoc />
    public CharRnnTransformer Fit(IDataView input) => Fit(input, CancellationToken.None);

    /// <summary>
    /// Trains on <paramref name="input"/> (a pretrained estimator only checks its schema); <paramref name="cancellation"/>
    /// stops training after the current step.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled before training finished.</exception>
    /// <exception cref="InputException">The column holds too little text for the configured window.</exception>
    public CharRnnTransformer Fit(IDataView input, CancellationToken cancellation)
    {
        CharRnnSchema.RequireText(input.Schema, _columns.Input);
        using var channel = _environment.Register(nameof(CharRnnEstimator)).Start("Fit");
        if (_pretrained is { } pretrained)
        {
            channel.Info(MessageSensitivity.None, $"applying a pretrained {pretrained.Spec.Model.Unit} char-RNN (H={pretrained.Model.HiddenSize}, run {pretrained.Spec.Name}): nothing is trained on the input");
            if (pretrained.Note is { } note) channel.Warning(MessageSensitivity.None, note);
            return new CharRnnTransformer(_columns, _options, pretrained.Model.Clone(), pretrained.Diagnostics);
        }
        var rows = input.GetColumn<string>(_columns.Input).Where(r => !string.IsNullOrEmpty(r)).ToArray();
        string text = CharRnnText.TrainingText(rows, _options.MinCharacterCount);
        var spec = _options.Run.Clone();
        spec.Training.Seed = _options.Seed ?? spec.Training.Seed;
        spec.Diagnostics.Every ??= Math.Max(1, Math.Min(spec.Diagnostics.DefaultPeriod(spec.Model.HiddenSize, spec.SequenceLength, spec.Training.BatchSize),
            spec.Training.Steps / ReportSnapshots));
        var recording = new RunRecording(RunInfo.For("mlnet", spec));
        channel.Info(MessageSensitivity.None, $"training a {spec.Model.Unit} char-RNN (H={spec.Model.HiddenSize}, seed {spec.Training.Seed}) on {rows.Length} rows, {text.Length} characters, {spec.Training.Steps} steps");
        long started = Stopwatch.GetTimestamp();
        double diagnostics = 0;
        using var session = TrainingSession.Create(spec, CharCorpus.FromText(text, spec), recording);
        var status = session.Train(cancellation, p =>
        {
            diagnostics = p.DiagnosticsSeconds;
            if ((p.Step + 1) % Math.Max(1, p.TotalSteps / 10) == 0)
                channel.Info(MessageSensitivity.None, $"step {p.Step + 1}/{p.TotalSteps}: loss {p.Loss:F3}, {p.BitsPerChar:F3} bits/char, clip rate {100 * p.ClipRate:F0}%");
        });
        cancellation.ThrowIfCancellationRequested();
        channel.Info(MessageSensitivity.None, $"finished ({status}) in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s ({diagnostics:F1} s of stability diagnostics): validation {(recording.Evaluations.Count > 0 ? recording.Evaluations[^1].BitsPerChar : double.NaN):F3} bits/char");
        var options = _options.Clone();
        options.Run = spec;
        return new CharRnnTransformer(_columns, options, CharRnnModel.From(session), recording) { TrainedOn = (rows.Length, text.Length) };
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        CharRnnSchema.Template(_plumbing, _columns, CharRnnSchema.FeatureLength(_options.Pooling, _pretrained?.Model.HiddenSize ?? _options.Run.Model.HiddenSize)).GetOutputSchema(inputSchema);
}
