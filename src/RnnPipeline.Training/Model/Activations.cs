using RnnPipeline.Options;
using static RnnPipeline.Training.OwnedScalars;
using static TorchSharp.torch;

namespace RnnPipeline.Training.Model;

/// <summary>The recurrent nonlinearities and their derivatives.</summary>
internal static class Activations
{
    /// <summary>f(a), in place on <paramref name="a"/>.</summary>
    public static Tensor ApplyInPlace(Activation f, Tensor a) => f switch
    {
        Activation.Tanh => a.tanh_(),
        Activation.Sigmoid => a.sigmoid_(),
        Activation.Relu => a.relu_(),
        _ => throw new ArgumentOutOfRangeException(nameof(f), f, null),
    };

    /// <summary>f(a) as a new tensor (differentiable; used by reference implementations).</summary>
    public static Tensor Apply(Activation f, Tensor a) => f switch
    {
        Activation.Tanh => a.tanh(),
        Activation.Sigmoid => a.sigmoid(),
        Activation.Relu => a.relu(),
        _ => throw new ArgumentOutOfRangeException(nameof(f), f, null),
    };

    /// <summary>f'(a) expressed through h = f(a): tanh 1−h², sigmoid h(1−h), ReLU 1[h &gt; 0].</summary>
    public static Tensor DerivativeFromOutput(Activation f, Tensor h) => f switch
    {
        Activation.Tanh => h.mul(h).neg_().add_(One, One),                       // 1 − h², as 1 - h * h computes it
        Activation.Sigmoid => h.mul(h.neg().add_(One, One)),
        Activation.Relu => h.gt(Zero).to(h.dtype),
        _ => throw new ArgumentOutOfRangeException(nameof(f), f, null),
    };

    /// <summary>f'(a) from the pre-activation.</summary>
    public static Tensor Derivative(Activation f, Tensor a) => f switch
    {
        Activation.Relu => a.gt(Zero).to(a.dtype),
        _ => DerivativeFromOutput(f, Apply(f, a)),
    };
}
