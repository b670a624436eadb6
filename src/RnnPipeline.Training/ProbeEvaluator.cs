using RnnPipeline.Diagnostics;
using RnnPipeline.Options;
using RnnPipeline.Probes;

namespace RnnPipeline.Training;

/// <summary>
/// Long-range probe accuracy: on the validation part of a generated probe text, the model's distribution at each
/// dependent character, restricted to the candidate characters, must rank the right one first. Per lag, chance is
/// 1 / candidates whatever the model knows about timing.
/// </summary>
public static class ProbeEvaluator
{
    /// <summary>Accuracy per lag of <paramref name="probe"/> under the session's current weights.</summary>
    public static IReadOnlyList<ProbeAccuracy> Evaluate(TrainingSession session, ProbeCorpus probe, RunSpec spec)
    {
        int start = probe.Text.Length - (int)(probe.Text.Length * spec.Corpus.ValidationFraction);
        string validation = probe.Text[start..];
        var targets = probe.Targets
            .Where(t => t.Position - t.Lag > start)                              // key and answer inside the held-out text
            .GroupBy(t => t.Lag)
            .ToDictionary(g => g.Key, g => g.Take(spec.Probe.SamplesPerLag).ToArray());
        var all = targets.Values.SelectMany(t => t).ToArray();
        var rows = session.PredictNext(validation, all.Select(t => t.Position - start).ToArray());
        var candidates = probe.Candidates.Select(c => session.Corpus.Vocabulary.IndexOf(c)).ToArray();
        var correct = new Dictionary<int, int>();
        for (int i = 0; i < all.Length; i++)
        {
            int best = 0;
            for (int c = 1; c < candidates.Length; c++)
                if (rows[i][candidates[c]] > rows[i][candidates[best]]) best = c;
            if (probe.Candidates[best] == all[i].Expected) correct[all[i].Lag] = correct.GetValueOrDefault(all[i].Lag) + 1;
        }
        return targets.OrderBy(t => t.Key)
            .Select(t => new ProbeAccuracy(t.Key, spec.Training.Seed, (double)correct.GetValueOrDefault(t.Key) / t.Value.Length, probe.Chance, t.Value.Length))
            .ToArray();
    }
}
