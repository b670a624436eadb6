using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Probes;

namespace RnnPipeline.Training;

/// <summary>
/// Long-range probe accuracy on an evaluation text generated afresh — same generator and corpus options as the training
/// text, seed <see cref="ProbeTextGenerator.EvaluationSeed"/> of the run seed — with exactly
/// <see cref="ProbeOptions.SamplesPerLag"/> dependents per lag. At each dependent character the model's distribution,
/// restricted to the candidate characters, must rank the right one first: chance is 1 / candidates whatever the model
/// knows about timing. Runs trained on episodes (<see cref="CorpusOptions.Episodes"/>) are scored on fresh episodes of
/// their lag, each read from h = 0 as in training.
/// </summary>
public static class ProbeEvaluator
{
    /// <summary>
    /// Independent streams read side by side as one batch: the evaluation text of lags 2–256 × 300 dependents is ~158k
    /// characters, which one stream reads step by step several times slower than 64 streams of ~2.6k.
    /// </summary>
    public const int Streams = 64;

    /// <summary>Correct and evaluated dependents per lag under the session's current weights, in lag order.</summary>
    public static IReadOnlyList<ProbeAccuracy> Evaluate(TrainingSession session, RunSpec spec)
    {
        int seed = ProbeTextGenerator.EvaluationSeed(spec.Training.Seed);
        var texts = spec.Corpus.Episodes
            ? ProbeTextGenerator.GenerateEpisodes(spec.Corpus, seed, spec.Probe.SamplesPerLag)          // one text each: read from h = 0
            : ProbeTextGenerator.GenerateEvaluation(spec.Corpus, seed, spec.Probe.SamplesPerLag, Streams);
        var rows = session.PredictNext(texts.Select(t => t.Text).ToArray(), texts.Select(t => (IReadOnlyList<int>)t.Targets.Select(x => x.Position).ToArray()).ToArray());
        string candidates = texts[0].Candidates;
        var columns = candidates.Select(session.Corpus.Vocabulary.IndexOf).ToArray();
        var correct = new Dictionary<int, int>();
        var samples = new Dictionary<int, int>();
        for (int s = 0; s < texts.Count; s++)
            for (int i = 0; i < texts[s].Targets.Count; i++)
            {
                var target = texts[s].Targets[i];
                var row = rows[s][i];
                int best = 0;
                for (int c = 1; c < columns.Length; c++)
                    if (row[columns[c]] > row[columns[best]]) best = c;
                samples[target.Lag] = samples.GetValueOrDefault(target.Lag) + 1;
                if (candidates[best] == target.Expected) correct[target.Lag] = correct.GetValueOrDefault(target.Lag) + 1;
            }
        return samples.OrderBy(s => s.Key)
            .Select(s => new ProbeAccuracy(s.Key, spec.Training.Seed, correct.GetValueOrDefault(s.Key), s.Value, texts[0].Chance, session.Step))
            .ToArray();
    }
}
