using Microsoft.ML;
using Microsoft.ML.Data;
using RnnPipeline.MLNet.CharRnn;
using RnnPipeline.Options;
using RnnPipeline.Samples;
using RnnPipeline.Worker.Suites;

namespace RnnPipeline.Tests.MLNet;

public sealed class CharRnnOptionsTests
{
    private readonly MLContext _ml = new(seed: 0);

    private static CharRnnOptions Tiny() => new()
    {
        Pooling = CharRnnPooling.Last,
        Run = { Model = { HiddenSize = 6 }, Training = { Steps = 10, BatchSize = 4, WindowLength = 16, EvalEvery = 10 }, Diagnostics = { Every = 0 } },
    };

    public static TheoryData<Action<RunSpec>, string> BadSettings => new()
    {
        { r => r.Model.HiddenSize = 0, "Model.HiddenSize = 0: must be between 1 and 4096" },
        { r => r.Training.Steps = -1, "Training.Steps = -1: must be between 0 and 100000000" },
        { r => r.Training.LearningRate = 0, "Training.LearningRate = 0: must be between 1E-12 and 1000000" },
        { r => r.Training.LearningRate = double.NaN, "Training.LearningRate is NaN: give a finite number" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void FeaturizeCharRnn_BadSetting_ThrowsTheWorkersRuleAndMessage(Action<RunSpec> spoil, string rule)
    {
        var options = Tiny();
        spoil(options.Run);
        var error = Assert.Throws<ArgumentException>(() => _ml.Transforms.Text.FeaturizeCharRnn("F", "Text", options));
        Assert.StartsWith($"CharRnnOptions.Run.{rule}", error.Message);

        // The worker reports the same rule for the same setting in a suite.
        var suite = new Suite("s", "", Path.Combine(Path.GetTempPath(), "s.json"), [options.Run]);
        Assert.Contains(RunSpecValidator.Validate(suite), e => e == $"run '{options.Run.Name}': {rule}");
    }

    [Fact]
    public void FeaturizeCharRnn_MinCharacterCountZero_IsRejected()
    {
        var options = Tiny();
        options.MinCharacterCount = 0;
        var error = Assert.Throws<ArgumentException>(() => _ml.Transforms.Text.FeaturizeCharRnn("F", "Text", options));
        Assert.StartsWith("CharRnnOptions.MinCharacterCount = 0: must be between 1 and 1000000", error.Message);
    }

    public static TheoryData<Action<CharRnnOptions>, string> MissingOrUntrained => new()
    {
        { o => o.Run = null!, "CharRnnOptions.Run = (missing): is required (leave it out for its defaults)" },
        { o => o.Run.Training = null!, "CharRnnOptions.Run.Training = (missing): is required (leave it out for its defaults)" },
        { o => o.Run.Model = null!, "CharRnnOptions.Run.Model = (missing): is required (leave it out for its defaults)" },
        { o => o.Run.Training.Steps = 0, "CharRnnOptions.Run.Training.Steps = 0: must be at least 1 to fit a featurizer" },
    };

    [Theory]
    [MemberData(nameof(MissingOrUntrained))]
    public void FeaturizeCharRnn_MissingSubOptionOrNoSteps_IsRejectedInOneLine(Action<CharRnnOptions> spoil, string message)
    {
        var options = Tiny();
        spoil(options);
        var error = Assert.Throws<ArgumentException>(() => _ml.Transforms.Text.FeaturizeCharRnn("F", "Text", options));
        Assert.StartsWith(message, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void ApplyCharRnn_OptionsWithoutRun_IsRejectedNotANullReference()
    {
        using var model = _ml.Transforms.Text.FeaturizeCharRnn("F", "Text", Tiny())
            .Fit(_ml.Data.LoadFromEnumerable(LineClassificationSample.Lines(2000, 1).ToArray()));
        var options = Tiny();
        options.Run = null!;
        var error = Assert.Throws<ArgumentException>(() => _ml.Transforms.Text.ApplyCharRnn(model.Model, "F", "Text", options));
        Assert.StartsWith("CharRnnOptions.Run = (missing): is required", error.Message);
        options = Tiny();
        options.Run.Training.Steps = 0;                                          // a pretrained model trains nothing: allowed
        Assert.NotNull(_ml.Transforms.Text.ApplyCharRnn(model.Model, "F", "Text", options));
    }

    [Fact]
    public void FeaturizeCharRnn_CallerChangesOptionsAfterwards_ModelIsUnchanged()
    {
        var options = Tiny();
        var estimator = _ml.Transforms.Text.FeaturizeCharRnn("F", "Text", options);
        options.Run.Model.HiddenSize = 30;                                       // before Fit
        options.Pooling = CharRnnPooling.Concatenated;
        var data = _ml.Data.LoadFromEnumerable(LineClassificationSample.Lines(4000, 1).ToArray());
        using var model = estimator.Fit(data);
        float[] Features() => model.Transform(data).GetColumn<float[]>("F").First();
        float[] before = Features();
        Assert.Equal(6, before.Length);

        options.Run.Model.HiddenSize = 2;                                        // after Fit, and through the model's own copy
        options.Pooling = CharRnnPooling.Max;
        model.Options.Pooling = CharRnnPooling.Mean;
        Assert.Equal(CharRnnPooling.Last, model.Options.Pooling);
        Assert.Equal(before, Features());
    }
}
