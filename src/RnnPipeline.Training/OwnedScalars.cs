using TorchSharp;

namespace RnnPipeline.Training;

/// <summary>
/// The only place this library makes TorchSharp <c>Scalar</c>s. TorchSharp turns a number handed to a tensor operation
/// into a finalizable <c>Scalar</c> (an implicit conversion at the call site, or inside an overload: the alpha of
/// <c>add(Tensor)</c>, the 2 of <c>square()</c>, the order of <c>linalg.vector_norm</c>), passes its native handle and
/// keeps no reference to it during the native call. A collection started by another thread of the process (a logger, a
/// request thread, ML.NET's cursors) can then finalize the Scalar while libtorch reads it: "Unknown scalar type", or a
/// failed check in <c>Scalar::toDouble</c>, or a crash. So constants live here for the process, and a varying number is
/// made by <see cref="With(double, Func{Scalar, torch.Tensor})"/>, which disposes it only after the call that reads it
/// returned. Each keeps the number type the implicit conversion had (int for integer literals, double otherwise), so
/// the results are those of the implicit form. The test <c>ScalarOwnershipTests</c> scans the compiled library, and the
/// TorchSharp overloads it calls, for a Scalar made anywhere else.
/// </summary>
internal static class OwnedScalars
{
    /// <summary>The integer 1: the alpha that <c>add(Tensor)</c> passes, and the 1 of <c>1 − x</c>.</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary>The integer 0 (comparisons with zero).</summary>
    public static readonly Scalar Zero = 0.ToScalar();

    /// <summary>The integer 2 (<c>square()</c> is <c>pow(2)</c>).</summary>
    public static readonly Scalar Two = 2.ToScalar();

    /// <summary>The double −1.0 (the −onehot of a cross-entropy gradient).</summary>
    public static readonly Scalar MinusOneDouble = (-1.0).ToScalar();

    /// <summary>A double constant, for a <c>static readonly</c> field of the class that uses it (alive for the process).</summary>
    public static Scalar Constant(double value) => value.ToScalar();

    /// <summary>Runs <paramref name="operation"/> with <paramref name="value"/> as a double Scalar that stays alive until it returns.</summary>
    public static torch.Tensor With(double value, Func<Scalar, torch.Tensor> operation)
    {
        using var scalar = value.ToScalar();
        return operation(scalar);
    }

    /// <summary>Runs <paramref name="operation"/> with <paramref name="value"/> as an integer Scalar that stays alive until it returns.</summary>
    public static torch.Tensor With(long value, Func<Scalar, torch.Tensor> operation)
    {
        using var scalar = value.ToScalar();
        return operation(scalar);
    }

    /// <summary>Runs <paramref name="operation"/> with two double Scalars that stay alive until it returns.</summary>
    public static torch.Tensor With(double first, double second, Func<Scalar, Scalar, torch.Tensor> operation)
    {
        using var a = first.ToScalar();
        using var b = second.ToScalar();
        return operation(a, b);
    }
}
