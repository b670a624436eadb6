using System.ComponentModel.DataAnnotations;

namespace RnnPipeline.Options;

/// <summary>Guard against Inf/NaN in the loss, gradients and hidden states.</summary>
public sealed class NonFiniteOptions
{
    /// <summary>Recovery policy.</summary>
    public NonFinitePolicy Policy { get; set; } = NonFinitePolicy.Skip;

    /// <summary>ε of the Shrink policy: W_hh ← (1−ε)·W_hh.</summary>
    [Range(1e-6, 0.99)]
    public double ShrinkFactor { get; set; } = 0.1;

    /// <summary>Rollback keeps an in-memory copy of the state (before its update) of every finite step divisible by this.</summary>
    [Range(1, 1_000_000)]
    public int SnapshotEvery { get; set; } = 50;

    /// <summary>Halt after this many non-finite events in one run, whatever the policy.</summary>
    [Range(1, 1_000_000)]
    public int MaxEvents { get; set; } = 50;
}
