using RnnPipeline.Options;
using RnnPipeline.Text;
using RnnPipeline.Training.Text;

namespace RnnPipeline.Worker.Jobs;

/// <summary>
/// The encoded text files of a suite's runs, shared: runs of one file, window length, episode setting and validation
/// fraction read one <see cref="CharCorpus"/> (immutable once built), so a grid of many runs of one text holds it once
/// while any of them trains, not once per run. Held weakly: a text no run holds any more is collected, and read again
/// when a later run needs it. Generated probe texts depend on each run's seed and stay each run's own.
/// </summary>
internal sealed class SharedTexts
{
    private readonly Dictionary<(string Path, bool Episodes, int Window, double Fraction), WeakReference<CharCorpus>> _corpora = [];

    /// <summary>The corpus of text file <paramref name="path"/> split for <paramref name="spec"/>, read at most once while it is held.</summary>
    /// <exception cref="InputException">The file cannot be read or is too short for the run.</exception>
    public CharCorpus TextFile(string path, RunSpec spec)
    {
        var key = (path, spec.Corpus.Episodes, spec.SequenceLength, spec.Corpus.ValidationFraction);
        lock (_corpora)
        {
            if (_corpora.TryGetValue(key, out var held) && held.TryGetTarget(out var corpus)) return corpus;
            corpus = CharCorpus.FromText(TextSource.LoadUtf8(path), spec);
            _corpora[key] = new WeakReference<CharCorpus>(corpus);
            return corpus;
        }
    }
}
