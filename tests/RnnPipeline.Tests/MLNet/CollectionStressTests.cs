using Microsoft.ML;
using Microsoft.ML.Data;
using RnnPipeline.MLNet.CharRnn;
using RnnPipeline.Samples;
using RnnPipeline.Training;

namespace RnnPipeline.Tests.MLNet;

/// <summary>Forces collections, so nothing else may count on the GC meanwhile: runs alone.</summary>
[CollectionDefinition(nameof(CollectionStressTests), DisableParallelization = true)]
public sealed class CollectionStressCollection;

/// <summary>
/// The host an ML.NET user runs: other threads allocate and collections start at any moment, while the featurizer trains
/// (with stability diagnostics), transforms, feeds an SDCA trainer's cursors and serves 8 prediction engines at once, with
/// no opt-in of the host. A temporary TorchSharp <c>Scalar</c> finalized during a native call shows up here as an
/// exception ("Unknown scalar type"), a process abort or features that differ from the same transformer's outside the
/// stress. Rounds: <see cref="RoundsVariable"/> (default <see cref="DefaultRounds"/>, to keep the suite short).
/// </summary>
[Collection(nameof(CollectionStressTests))]
public sealed class CollectionStressTests
{
    /// <summary>Environment variable with the number of rounds for a longer run.</summary>
    public const string RoundsVariable = "RNNPIPELINE_STRESS_ROUNDS";

    private const int DefaultRounds = 1, Engines = 8;

    private static int Rounds => int.TryParse(Environment.GetEnvironmentVariable(RoundsVariable), out int n) && n > 0 ? n : DefaultRounds;

    private static CharRnnOptions Tiny(int seed) => new()
    {
        Seed = seed,
        CacheFeatures = false,
        Run = { Model = { HiddenSize = 8 }, Training = { Steps = 12, BatchSize = 4, WindowLength = 16, EvalEvery = 6 }, Diagnostics = { Every = 4 } },
    };

    [Fact]
    public void FitTransformAndEightEngines_WhileOtherThreadsAllocateAndCollect_FailNothing_WithoutAGuard()
    {
        Assert.False(TorchGuard.Enabled, "the test process must run as an unguarded host does");
        var lines = LineClassificationSample.Lines(600, 3).ToArray();
        var failures = new List<string>();
        for (int round = 0; round < Rounds; round++)
        {
            var ml = new MLContext(seed: round);
            using var quiet = ml.Transforms.Text.FeaturizeCharRnn("F", "Text", Tiny(round)).Fit(ml.Data.LoadFromEnumerable(lines));
            var single = ml.Model.CreatePredictionEngine<LineClassificationSample.Line, CharRnnPipelineTests.Prediction>(quiet);
            var expected = lines.Select(l => single.Predict(l).F).ToArray();
            using (new Pressure())
            {
                try
                {
                    using var fitted = ml.Transforms.Text.FeaturizeCharRnn("F", "Text", Tiny(round)).Fit(ml.Data.LoadFromEnumerable(lines));
                    Assert.Equal(expected, fitted.Transform(ml.Data.LoadFromEnumerable(lines)).GetColumn<float[]>("F").ToArray());
                    var results = new float[Engines][][];
                    Parallel.For(0, Engines, new ParallelOptions { MaxDegreeOfParallelism = Engines }, e =>
                    {
                        var engine = ml.Model.CreatePredictionEngine<LineClassificationSample.Line, CharRnnPipelineTests.Prediction>(fitted);
                        results[e] = lines.Select(l => engine.Predict(l).F).ToArray();
                    });
                    Assert.All(results, r => Assert.Equal(expected, r));
                    var pipeline = ml.Transforms.Text.FeaturizeCharRnn("F", "Text", Tiny(round))
                        .Append(ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label"))
                        .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy("LabelKey", "F", maximumNumberOfIterations: 3));
                    pipeline.Fit(ml.Data.LoadFromEnumerable(lines));                   // SDCA reads through ML.NET's cursor threads
                }
                catch (Exception e)
                {
                    failures.Add($"round {round}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
                }
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {Rounds} rounds failed under collection pressure:\n{string.Join("\n", failures)}");
    }

    /// <summary>
    /// Two threads for the length of a block: one allocates small short-lived arrays (a logger, a request thread),
    /// one starts full blocking collections back to back and lets finalizers run.
    /// </summary>
    private sealed class Pressure : IDisposable
    {
        private volatile bool _stop;
        private readonly Thread[] _threads;

        public Pressure()
        {
            _threads =
            [
                new Thread(() => { while (!_stop) GC.KeepAlive(new byte[512]); }),
                new Thread(() =>
                {
                    while (!_stop)
                    {
                        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
                        GC.WaitForPendingFinalizers();
                        Thread.Sleep(1);
                    }
                }),
            ];
            foreach (var thread in _threads) thread.Start();
        }

        public void Dispose()
        {
            _stop = true;
            foreach (var thread in _threads) thread.Join();
        }
    }
}
