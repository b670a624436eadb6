using RnnPipeline.Options;
using RnnPipeline.Training.Model;
using static TorchSharp.torch;

namespace RnnPipeline.Tests.Training;

public sealed class CharRnnNetworkTests
{
    [Theory]
    [InlineData(Activation.Tanh, 0)]
    [InlineData(Activation.Sigmoid, 0)]
    [InlineData(Activation.Relu, 0)]
    [InlineData(Activation.Tanh, 5)]
    [InlineData(Activation.Sigmoid, 5)]
    public void Backward_MatchesAutogradReference_LossGradientsAndDeltas(Activation activation, int embedding)
    {
        using var scope = NewDisposeScope();
        using var weights = TestData.Weights(vocabulary: 7, hidden: 6, embedding, RecurrentInit.Normal, gain: 1.2);
        using var grads = weights.ZerosLike();
        var inputs = TestData.Tokens(9, 3, 7, seed: 1);
        var targets = TestData.Tokens(9, 3, 7, seed: 2);
        var h0 = randn(3, 6, generator: new Generator(5)) * 0.3;
        var network = new CharRnnNetwork(weights, activation);

        var pass = network.Forward(inputs, h0);
        var loss = CharRnnNetwork.Loss(pass, targets);
        var (local, delta) = network.Backward(pass, targets, grads);
        var reference = ReferenceRnn.Run(weights, activation, inputs, targets, h0);

        TestData.AssertClose(reference.Loss, loss, 1e-6, "loss");
        foreach (var (name, g) in grads.Named())
            TestData.AssertClose(reference.Parameters[name].grad!, g, 1e-5, $"∂L/∂{name}");
        for (int t = 0; t < 9; t++)
            TestData.AssertClose(reference.Hidden[t].grad!, delta[t], 1e-5, $"δ_{t}");
        TestData.AssertClose(reference.Hidden[8].grad!, local[8], 1e-5, "local gradient at the last step");
    }

    [Theory]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Sigmoid)]
    public void Backward_WeightedLoss_MatchesAutogradReference(Activation activation)
    {
        using var scope = NewDisposeScope();
        using var weights = TestData.Weights(vocabulary: 7, hidden: 6, 0, RecurrentInit.Normal, gain: 1.2);
        using var grads = weights.ZerosLike();
        var inputs = TestData.Tokens(9, 3, 7, seed: 1);
        var targets = TestData.Tokens(9, 3, 7, seed: 2);
        var lossWeights = TestData.Tokens(9, 3, 4, seed: 3).eq(0).to(float32);        // the loss counts about a quarter of the positions
        var h0 = randn(3, 6, generator: new Generator(5)) * 0.3;
        var network = new CharRnnNetwork(weights, activation);

        var pass = network.Forward(inputs, h0);
        var loss = CharRnnNetwork.Loss(pass, targets, lossWeights);
        var (_, delta) = network.Backward(pass, targets, grads, lossWeights);
        var reference = ReferenceRnn.Run(weights, activation, inputs, targets, h0, lossWeights);

        TestData.AssertClose(reference.Loss, loss, 1e-6, "weighted loss");
        foreach (var (name, g) in grads.Named())
            TestData.AssertClose(reference.Parameters[name].grad!, g, 1e-5, $"∂L/∂{name}");
        for (int t = 0; t < 9; t++)
            TestData.AssertClose(reference.Hidden[t].grad!, delta[t], 1e-5, $"δ_{t}");
    }

    [Theory]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Relu)]
    public void ForwardBackward_MatchesTorchNnRnn_WithSameWeights(Activation activation)
    {
        using var scope = NewDisposeScope();
        using var weights = TestData.Weights(vocabulary: 5, hidden: 4, init: RecurrentInit.Normal, gain: 0.9, seed: 3);
        using var grads = weights.ZerosLike();
        var inputs = TestData.Tokens(6, 2, 5, seed: 7);
        var targets = TestData.Tokens(6, 2, 5, seed: 8);
        var network = new CharRnnNetwork(weights, activation);
        var pass = network.Forward(inputs, zeros(2, 4));
        var loss = CharRnnNetwork.Loss(pass, targets);
        network.Backward(pass, targets, grads);

        var rnn = nn.RNN(5, 4, nonLinearity: activation == Activation.Tanh ? nn.NonLinearities.Tanh : nn.NonLinearities.ReLU);
        var head = nn.Linear(4, 5);
        using (no_grad())
        {
            rnn.get_parameter("weight_ih_l0")!.copy_(weights.Wxh);
            rnn.get_parameter("weight_hh_l0")!.copy_(weights.Whh);
            rnn.get_parameter("bias_ih_l0")!.copy_(weights.Bh);
            rnn.get_parameter("bias_hh_l0")!.zero_();
            head.weight!.copy_(weights.Why);
            head.bias!.copy_(weights.By);
        }
        var (output, _) = rnn.call(nn.functional.one_hot(inputs, 5).to(float32), zeros(1, 2, 4));
        var expected = nn.functional.cross_entropy(head.call(output).reshape(-1, 5), targets.flatten());
        expected.backward();

        TestData.AssertClose(expected, loss, 1e-5, "loss");
        TestData.AssertClose(rnn.get_parameter("weight_ih_l0")!.grad!, grads.Wxh, 1e-5, "∂L/∂W_xh");
        TestData.AssertClose(rnn.get_parameter("weight_hh_l0")!.grad!, grads.Whh, 1e-5, "∂L/∂W_hh");
        TestData.AssertClose(rnn.get_parameter("bias_ih_l0")!.grad!, grads.Bh, 1e-5, "∂L/∂b_h");
        TestData.AssertClose(head.weight!.grad!, grads.Why, 1e-5, "∂L/∂W_hy");
        TestData.AssertClose(head.bias!.grad!, grads.By, 1e-5, "∂L/∂b_y");
    }

    [Fact]
    public void Backward_SigmoidCell_MatchesCentralFiniteDifferencesInFloat64()
    {
        using var scope = NewDisposeScope();
        using var weights32 = TestData.Weights(vocabulary: 4, hidden: 3, init: RecurrentInit.Normal, gain: 2.0, seed: 4);
        using var weights = weights32.Map(t => t.to(float64));
        using var grads = weights.ZerosLike();
        var inputs = TestData.Tokens(5, 2, 4, seed: 11);
        var targets = TestData.Tokens(5, 2, 4, seed: 12);
        var h0 = zeros(2, 3, dtype: float64);
        var network = new CharRnnNetwork(weights, Activation.Sigmoid);
        network.Backward(network.Forward(inputs, h0), targets, grads);

        TestData.AssertMatchesFiniteDifferences(weights, grads, () => CharRnnNetwork.Loss(network.Forward(inputs, h0), targets).item<double>());
    }
}
