namespace RnnPipeline.Options;

/// <summary>Recurrent nonlinearity f in h_t = f(W_xh x_t + W_hh h_{t-1} + b).</summary>
public enum Activation
{
    /// <summary>tanh; f' ≤ 1 (= 1 only at 0).</summary>
    Tanh,
    /// <summary>Logistic sigmoid; f' ≤ 1/4.</summary>
    Sigmoid,
    /// <summary>Rectified linear; f' ∈ {0, 1}.</summary>
    Relu,
}

/// <summary>Initialisation of the recurrent matrix W_hh.</summary>
public enum RecurrentInit
{
    /// <summary>The framework default: U(−1/√H, 1/√H), as torch.nn.RNN.</summary>
    Default,
    /// <summary>N(0, g²/H): spectral radius ≈ g for large H.</summary>
    Normal,
    /// <summary>A random orthogonal matrix times g: every singular value equals g.</summary>
    Orthogonal,
    /// <summary>g·I (IRNN; Le, Jaitly &amp; Hinton 2015).</summary>
    Identity,
}

/// <summary>Optimiser.</summary>
public enum OptimizerKind
{
    /// <summary>Stochastic gradient descent with optional momentum.</summary>
    Sgd,
    /// <summary>Adam (Kingma &amp; Ba 2015).</summary>
    Adam,
}

/// <summary>Learning-rate schedule over the run.</summary>
public enum LearningRateSchedule
{
    /// <summary>The configured rate throughout.</summary>
    Constant,
    /// <summary>Cosine decay from the configured rate to 10% of it at the last step.</summary>
    Cosine,
}

/// <summary>Gradient clipping mode.</summary>
public enum ClipMode
{
    /// <summary>No clipping.</summary>
    None,
    /// <summary>Rescale all gradients when their global L2 norm exceeds the threshold (Pascanu et al. 2013).</summary>
    Norm,
    /// <summary>Clamp every gradient element to ±threshold.</summary>
    Value,
}

/// <summary>What to do when the loss, a gradient or a hidden state becomes Inf/NaN.</summary>
public enum NonFinitePolicy
{
    /// <summary>Stop the run cleanly; artifacts written so far are kept.</summary>
    Halt,
    /// <summary>Drop this update and continue.</summary>
    Skip,
    /// <summary>Drop this update and shrink W_hh ← (1−ε)·W_hh (as in Pascanu et al.'s code).</summary>
    Shrink,
    /// <summary>Restore the last good in-memory snapshot and halve the learning rate.</summary>
    Rollback,
}

/// <summary>Where the training text comes from.</summary>
public enum CorpusKind
{
    /// <summary>A UTF-8 text file.</summary>
    TextFile,
    /// <summary>Generated delayed-recall probe text: a key character must be reproduced after a known lag.</summary>
    DelayedRecall,
    /// <summary>Generated bracket/quote matching probe text: the opener's kind must be closed after a known lag.</summary>
    BracketMatching,
}
