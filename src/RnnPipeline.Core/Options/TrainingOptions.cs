using System.ComponentModel.DataAnnotations;

namespace RnnPipeline.Options;

/// <summary>Optimisation and truncated-BPTT settings.</summary>
public sealed class TrainingOptions
{
    /// <summary>Optimiser steps.</summary>
    [Range(0, 100_000_000)]
    public int Steps { get; set; } = 1000;

    /// <summary>Sequences per batch (parallel streams through the text).</summary>
    [Range(1, 4096)]
    public int BatchSize { get; set; } = 32;

    /// <summary>Truncated-BPTT window T in characters; the hidden state is carried (detached) between windows.</summary>
    [Range(1, 100_000)]
    public int WindowLength { get; set; } = 64;

    /// <summary>Optimiser.</summary>
    public OptimizerKind Optimizer { get; set; } = OptimizerKind.Adam;

    /// <summary>Learning rate (peak rate when a schedule is used).</summary>
    [Range(1e-12, 1e6)]
    public double LearningRate { get; set; } = 2e-3;

    /// <summary>SGD momentum.</summary>
    [Range(0.0, 0.999)]
    public double Momentum { get; set; } = 0.9;

    /// <summary>Learning-rate schedule.</summary>
    public LearningRateSchedule Schedule { get; set; } = LearningRateSchedule.Constant;

    /// <summary>Seed for initialisation, batching and sampling.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Evaluate validation loss every this many steps (and at the last step).</summary>
    [Range(1, 1_000_000)]
    public int EvalEvery { get; set; } = 100;

    /// <summary>Validation windows per evaluation (batched).</summary>
    [Range(1, 10_000)]
    public int EvalWindows { get; set; } = 64;

    /// <summary>Write a checkpoint every this many steps (0: only at the end or when interrupted).</summary>
    [Range(0, 1_000_000)]
    public int CheckpointEvery { get; set; } = 0;
}
