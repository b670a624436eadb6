using System.Diagnostics;

namespace RnnPipeline.Bench;

/// <summary>
/// Wall-clock time per named phase of a step. <see cref="Mark"/> charges the time since the previous mark (or
/// <see cref="Start"/>) to a phase. CPU tensor operations are synchronous, so a mark right after an operation sees its
/// whole cost.
/// </summary>
internal sealed class PhaseTimer
{
    private readonly Dictionary<string, List<double>> _seconds = [];
    private readonly List<string> _order = [];
    private long _last;

    /// <summary>Phase names in the order they were first marked.</summary>
    public IReadOnlyList<string> Phases => _order;

    /// <summary>Starts timing the next phase.</summary>
    public void Start() => _last = Stopwatch.GetTimestamp();

    /// <summary>Charges the time since the last mark to <paramref name="phase"/> and starts the next phase.</summary>
    public void Mark(string phase)
    {
        long now = Stopwatch.GetTimestamp();
        if (!_seconds.TryGetValue(phase, out var list))
        {
            _seconds[phase] = list = [];
            _order.Add(phase);
        }
        list.Add(Stopwatch.GetElapsedTime(_last, now).TotalSeconds);
        _last = Stopwatch.GetTimestamp();
    }

    /// <summary>Median seconds per step of <paramref name="phase"/> after its first <paramref name="skip"/> steps (0 when none).</summary>
    public double Median(string phase, int skip = 0)
    {
        if (!_seconds.TryGetValue(phase, out var list) || list.Count <= skip) return 0;
        var sorted = list.Skip(skip).Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
