using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using RnnPipeline.Diagnostics;
using RnnPipeline.Training;
using RnnPipeline.Training.Text;

namespace RnnPipeline.MLNet.CharRnn;

/// <summary>
/// Trains a character RNN language model on a text column (non-empty rows joined by newlines) and yields a
/// <see cref="CharRnnTransformer"/> that adds a fixed-size feature vector (pooled hidden states) and the model's bits
/// per character to each row. Create it with <see cref="CharRnnCatalog.FeaturizeCharRnn"/>; it chains with
/// <c>Append</c> like ML.NET's own estimators. Progress goes to <c>MLContext.Log</c>; the training diagnostics are kept
/// on the transformer.
/// <para>
/// The transformer runs the RNN over every row each time a cursor passes over its output, so put
/// <c>AppendCacheCheckpoint(mlContext)</c> after it when an iterative trainer (SDCA, L-BFGS) follows.
/// </para>
/// </summary>
public sealed class CharRnnEstimator : IEstimator<CharRnnTransformer>
{
    private readonly IHostEnvironment _environment;
    private readonly MLContext _plumbing = new();
    private readonly CharRnnColumns _columns;
    private readonly CharRnnOptions _options;

    internal CharRnnEstimator(IHostEnvironment environment, CharRnnColumns columns, CharRnnOptions options)
    {
        _environment = environment;
        _columns = columns;
        options.Validate();                                                      // before copying: a copy goes through JSON, which rejects NaN
        _options = options.Clone();
    }

    /// <summary>The columns this estimator reads and writes.</summary>
    public CharRnnColumns Columns => _columns;

    /// <summary>A copy of the settings this estimator trains with.</summary>
    public CharRnnOptions Options => _options.Clone();

    /// <inheritdoc />
    public CharRnnTransformer Fit(IDataView input) => Fit(input, CancellationToken.None);

    /// <summary>Trains on <paramref name="input"/>; <paramref name="cancellation"/> stops training after the current step.</summary>
    /// <exception cref="OperationCanceledException">Cancelled before training finished.</exception>
    /// <exception cref="InputException">The column holds too little text for the configured window.</exception>
    public CharRnnTransformer Fit(IDataView input, CancellationToken cancellation)
    {
        CharRnnSchema.RequireText(input.Schema, _columns.Input);
        var rows = input.GetColumn<string>(_columns.Input).Where(r => !string.IsNullOrEmpty(r)).ToArray();
        string text = CharRnnText.TrainingText(rows, _options.MinCharacterCount);
        var spec = _options.Run;
        var recording = new RunRecording(RunInfo.For("mlnet", spec));
        using var channel = _environment.Register(nameof(CharRnnEstimator)).Start("Fit");
        channel.Info(MessageSensitivity.None, $"training a {spec.Model.Activation} char-RNN (H={spec.Model.HiddenSize}) on {rows.Length} rows, {text.Length} characters, {spec.Training.Steps} steps");
        using var session = TrainingSession.Create(spec, CharCorpus.FromText(text, spec), recording);
        var status = session.Train(cancellation, p =>
        {
            if ((p.Step + 1) % Math.Max(1, p.TotalSteps / 10) == 0)
                channel.Info(MessageSensitivity.None, $"step {p.Step + 1}/{p.TotalSteps}: loss {p.Loss:F3}, {p.BitsPerChar:F3} bits/char, clip rate {100 * p.ClipRate:F0}%");
        });
        cancellation.ThrowIfCancellationRequested();
        channel.Info(MessageSensitivity.None, $"finished ({status}): validation {(recording.Evaluations.Count > 0 ? recording.Evaluations[^1].BitsPerChar : double.NaN):F3} bits/char");
        return new CharRnnTransformer(_columns, _options, CharRnnModel.From(session), recording);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        CharRnnSchema.Template(_plumbing, _columns, CharRnnSchema.FeatureLength(_options.Pooling, _options.Run.Model.HiddenSize)).GetOutputSchema(inputSchema);
}
