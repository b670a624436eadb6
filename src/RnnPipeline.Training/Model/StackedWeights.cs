using static TorchSharp.torch;

namespace RnnPipeline.Training.Model;

/// <summary>
/// One parameter set (weights, gradients or optimiser moments) of R runs of one shape as [R, …] tensors, in
/// <see cref="CharRnnWeights.Named"/> order: views of the run's own tensors when R = 1 (in-place changes are the run's
/// own), stacked copies otherwise (<see cref="WriteBack"/> copies them back). Create inside a dispose scope.
/// </summary>
internal sealed class StackedWeights
{
    private readonly IReadOnlyList<CharRnnWeights> _runs;

    /// <summary>Stacks <paramref name="runs"/> (one shape).</summary>
    public StackedWeights(IReadOnlyList<CharRnnWeights> runs)
    {
        _runs = runs;
        var named = runs.Select(w => w.Named().Select(p => p.Value).ToArray()).ToArray();
        Parameters = runs.Count == 1
            ? [.. named[0].Select(t => t.unsqueeze(0))]
            : [.. Enumerable.Range(0, named[0].Length).Select(i => stack(named.Select(run => run[i]).ToArray()))];
    }

    /// <summary>[R, …] per parameter, in <see cref="CharRnnWeights.Named"/> order.</summary>
    public Tensor[] Parameters { get; }

    /// <summary>Copies every run's part of <see cref="Parameters"/> back into its own tensors (nothing to do for R = 1: views).</summary>
    public void WriteBack()
    {
        if (_runs.Count == 1) return;
        for (int r = 0; r < _runs.Count; r++)
            foreach (var ((_, own), stacked) in _runs[r].Named().Zip(Parameters)) own.copy_(stacked[r]);
    }
}
