namespace RnnPipeline.Options;

/// <summary>Facts about the recurrent nonlinearities used throughout the project.</summary>
public static class ActivationFacts
{
    /// <summary>γ = sup f' (Pascanu et al. 2013): tanh 1, sigmoid 1/4, ReLU 1. ‖W_hh‖₂ &lt; 1/γ suffices for vanishing gradients.</summary>
    public static double Gamma(this Activation activation) => activation == Activation.Sigmoid ? 0.25 : 1.0;
}
