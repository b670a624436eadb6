namespace RnnPipeline.Bench;

/// <summary>
/// Floating-point operations of one training step of the character RNN (a multiply-add counts 2), the work both
/// implementations must do; elementwise operations, the one-hot input projection (a row gather) and the optimiser are
/// not counted.
/// </summary>
internal static class ModelFlops
{
    /// <summary>The formula, as printed in the report.</summary>
    public const string Formula =
        "2·T·B·H² (forward recurrence) + 2·(T−1)·B·H² (backward recurrence) + 2·T·B·H² (∂L/∂W_hh) + 2·T·B·H·V (head) + 4·T·B·H·V (head backward: ∂L/∂W_hy and ∂L/∂h_t)";

    /// <summary>FLOPs per step for window <paramref name="t"/>, batch <paramref name="b"/>, hidden <paramref name="h"/>, vocabulary <paramref name="v"/>.</summary>
    public static double PerStep(int t, int b, int h, int v)
    {
        double hh = (double)h * h;
        return 2 * t * b * hh + 2 * (t - 1) * b * hh + 2 * t * b * hh + 6.0 * t * b * h * v;
    }
}
