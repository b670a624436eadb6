using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using RnnPipeline.Diagnostics;
using RnnPipeline.Training;
using RnnPipeline.Training.Text;

namespace RnnPipeline.MLNet.CharRnn;

/// <summary>
/// Trains a character RNN on a text column (rows joined by newlines) and yields a <see cref="CharRnnTransformer"/>
/// that adds a fixed-size feature vector (the final hidden state) and the model's bits per character to each row.
/// Create it with <see cref="CharRnnCatalog.CharRnnFeaturizer"/>; it chains with <c>Append</c> like ML.NET's own
/// estimators. Progress goes to <c>MLContext.Log</c>; the training diagnostics are kept on the transformer.
/// </summary>
public sealed class CharRnnEstimator : IEstimator<CharRnnTransformer>
{
    private readonly MLContext _ml;
    private readonly CharRnnOptions _options;

    internal CharRnnEstimator(MLContext ml, CharRnnOptions options)
    {
        _ml = ml;
        _options = options;
    }

    /// <inheritdoc />
    public CharRnnTransformer Fit(IDataView input) => Fit(input, CancellationToken.None);

    /// <summary>Trains on <paramref name="input"/>; <paramref name="cancellation"/> stops training after the current step.</summary>
    /// <exception cref="OperationCanceledException">Cancelled before training finished.</exception>
    public CharRnnTransformer Fit(IDataView input, CancellationToken cancellation)
    {
        CharRnnSchema.RequireText(input.Schema, _options.InputColumnName);
        var rows = input.GetColumn<string>(_options.InputColumnName).Where(r => !string.IsNullOrEmpty(r)).ToArray();
        string text = string.Join('\n', rows);
        var spec = _options.Run;
        var recording = new RunRecording(RunInfo.For("mlnet", spec));
        var host = ((IHostEnvironment)_ml).Register(nameof(CharRnnEstimator));
        using var channel = host.Start("Fit");
        channel.Info(MessageSensitivity.None, $"training a {spec.Model.Activation} char-RNN (H={spec.Model.HiddenSize}) on {rows.Length} rows, {text.Length} characters, {spec.Training.Steps} steps");
        using var session = TrainingSession.Create(spec, CharCorpus.FromText(text, spec), recording);
        var status = session.Train(cancellation, p =>
        {
            if ((p.Step + 1) % Math.Max(1, p.TotalSteps / 10) == 0)
                channel.Info(MessageSensitivity.None, $"step {p.Step + 1}/{p.TotalSteps}: loss {p.Loss:F3}, {p.BitsPerChar:F3} bits/char, clip rate {100 * p.ClipRate:F0}%");
        });
        cancellation.ThrowIfCancellationRequested();
        channel.Info(MessageSensitivity.None, $"finished ({status}): validation {(recording.Evaluations.Count > 0 ? recording.Evaluations[^1].BitsPerChar : double.NaN):F3} bits/char");
        return new CharRnnTransformer(_ml, _options, CharRnnModel.From(session), recording);
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        CharRnnSchema.Template(_ml, _options, _options.Run.Model.HiddenSize).GetOutputSchema(inputSchema);
}
