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

/// <summary>
/// The recurrent cell: the vanilla unit h_t = f(W_xh x_t + W_hh h_{t−1} + b) with <see cref="ModelOptions.Activation"/>,
/// or a gated unit in PyTorch's gate layout and equations (torch.nn.LSTM, torch.nn.GRU).
/// </summary>
public enum RecurrentCell
{
    /// <summary>The vanilla unit with nonlinearity <see cref="ModelOptions.Activation"/>.</summary>
    Rnn,
    /// <summary>
    /// Long short-term memory with a forget gate (Hochreiter &amp; Schmidhuber 1997; Gers, Schmidhuber &amp; Cummins 2000):
    /// state (h_t, c_t), c_t = f ⊙ c_{t−1} + i ⊙ g, h_t = o ⊙ tanh(c_t).
    /// </summary>
    Lstm,
    /// <summary>Gated recurrent unit (Cho et al. 2014): h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}.</summary>
    Gru,
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

/// <summary>Which characters of generated probe text the training loss counts.</summary>
public enum ProbeLoss
{
    /// <summary>Every character (a language model of the probe text; the filler's loss dominates).</summary>
    AllCharacters,
    /// <summary>
    /// Only the dependent characters: every step's gradient is about the dependency, none is spent on unpredictable
    /// filler or keys (the copy and adding tasks score only their answer positions; Hochreiter &amp; Schmidhuber 1997,
    /// Arjovsky et al. 2016). Training loss and bits/char are then those of the dependents.
    /// </summary>
    Dependents,
}

/// <summary>What fills the gap between a probe's key and its dependent character.</summary>
public enum ProbeFiller
{
    /// <summary>Random characters (digits for delayed recall, lower-case letters for brackets): k−2 (or k−1) unpredictable characters a language model spends its loss on.</summary>
    Random,
    /// <summary>
    /// One blank character ('.') repeated: the filler is predictable, so after it is learnt the loss left is the key, the
    /// cue's timing and the dependent character — the training signal is the dependency itself (the copy-memory task's
    /// blank filler; Arjovsky, Shah &amp; Bengio 2016).
    /// </summary>
    Blank,
}
