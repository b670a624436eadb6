using RnnPipeline.Options;
using RnnPipeline.Training.Model;
using static TorchSharp.torch;

namespace RnnPipeline.Tests.Training;

public sealed class GatedRecurrenceTests
{
    internal static CharRnnWeights Weights(RecurrentCell cell, int vocabulary, int hidden, int embedding = 0, int seed = 1) =>
        CharRnnWeights.Create(new ModelOptions { Cell = cell, HiddenSize = hidden, EmbeddingSize = embedding, Init = RecurrentInit.Default }, vocabulary, seed);

    [Theory]
    [InlineData(RecurrentCell.Lstm)]
    [InlineData(RecurrentCell.Gru)]
    public void Create_GatedCell_HasPyTorchLayoutAndIsReadFromTheShapes(RecurrentCell cell)
    {
        using var scope = NewDisposeScope();
        using var weights = Weights(cell, vocabulary: 5, hidden: 3);
        int gates = cell == RecurrentCell.Lstm ? 4 : 3;
        Assert.Equal(cell, weights.Cell);
        Assert.Equal(3, weights.Hidden);
        Assert.Equal(cell == RecurrentCell.Lstm ? 6 : 3, weights.StateSize);
        Assert.Equal([gates * 3L, 5], weights.Wxh.shape);
        Assert.Equal([gates * 3L, 3], weights.Whh.shape);
        Assert.Equal([gates * 3L], weights.Bhh!.shape);
        Assert.Equal(["W_xh", "W_hh", "b_h", "b_hh", "W_hy", "b_y"], weights.Named().Select(n => n.Name));
        if (cell == RecurrentCell.Lstm)                                            // forget-gate bias b_ih + b_hh = 1
            Assert.Equal([1f, 1f, 1f], (weights.Bh[3..6] + weights.Bhh[3..6]).data<float>().ToArray());

        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) weights.Write(writer);
        stream.Position = 0;
        using var read = CharRnnWeights.Read(new BinaryReader(stream));
        Assert.Equal(cell, read.Cell);
        foreach (var ((name, a), (_, b)) in weights.Named().Zip(read.Named())) Assert.True(a.eq(b).all().item<bool>(), name);
    }

    [Theory]
    [InlineData(RecurrentCell.Lstm)]
    [InlineData(RecurrentCell.Gru)]
    public void ForwardBackward_MatchesTorchFusedModule_WithSameWeights(RecurrentCell cell)
    {
        using var scope = NewDisposeScope();
        using var weights = Weights(cell, vocabulary: 5, hidden: 4, seed: 3);
        using var grads = weights.ZerosLike();
        var inputs = TestData.Tokens(6, 2, 5, seed: 7);
        var targets = TestData.Tokens(6, 2, 5, seed: 8);
        var h0 = randn(1, 2, 4, generator: new Generator(4)) * 0.5;
        var c0 = randn(1, 2, 4, generator: new Generator(5)) * 0.5;
        var network = new CharRnnNetwork(weights, Activation.Tanh);
        var state = cell == RecurrentCell.Lstm ? cat([h0[0], c0[0]], -1) : h0[0];
        var pass = network.Forward(inputs, state);
        var loss = CharRnnNetwork.Loss(pass, targets);
        network.Backward(pass, targets, grads);

        nn.Module<Tensor, Tensor> head = nn.Linear(4, 5);
        var (module, output) = cell == RecurrentCell.Lstm ? Lstm() : Gru();
        var expected = nn.functional.cross_entropy(head.call(output).reshape(-1, 5), targets.flatten());
        expected.backward();

        TestData.AssertClose(expected, loss, 1e-5, "loss");
        TestData.AssertClose(output, pass.Hidden, 1e-5, "h_t");
        foreach (var (ours, theirs) in new[] { ("W_xh", "weight_ih_l0"), ("W_hh", "weight_hh_l0"), ("b_h", "bias_ih_l0"), ("b_hh", "bias_hh_l0") })
            TestData.AssertClose(module.get_parameter(theirs)!.grad!, grads.Named().Single(n => n.Name == ours).Value, 1e-5, $"∂L/∂{ours}");
        TestData.AssertClose(head.get_parameter("weight")!.grad!, grads.Why, 1e-5, "∂L/∂W_hy");

        (nn.Module, Tensor) Lstm()
        {
            var lstm = nn.LSTM(5, 4);
            Copy(lstm);
            var (o, _, c) = lstm.call(nn.functional.one_hot(inputs, 5).to(float32), (h0, c0));
            TestData.AssertClose(c, pass.Cells![^1].unsqueeze(0), 1e-5, "c_T");
            return (lstm, o);
        }
        (nn.Module, Tensor) Gru()
        {
            var gru = nn.GRU(5, 4);
            Copy(gru);
            var (o, _) = gru.call(nn.functional.one_hot(inputs, 5).to(float32), h0);
            return (gru, o);
        }
        void Copy(nn.Module module)
        {
            using var _ = no_grad();
            module.get_parameter("weight_ih_l0")!.copy_(weights.Wxh);
            module.get_parameter("weight_hh_l0")!.copy_(weights.Whh);
            module.get_parameter("bias_ih_l0")!.copy_(weights.Bh);
            module.get_parameter("bias_hh_l0")!.copy_(weights.Bhh!);
            head.get_parameter("weight")!.copy_(weights.Why);
            head.get_parameter("bias")!.copy_(weights.By);
        }
    }

    [Theory]
    [InlineData(RecurrentCell.Lstm, 0, 4)]
    [InlineData(RecurrentCell.Gru, 0, 4)]
    [InlineData(RecurrentCell.Lstm, 2, 4)]
    [InlineData(RecurrentCell.Lstm, 0, 1)]
    public void Backward_MatchesCentralFiniteDifferencesInFloat64(RecurrentCell cell, int embedding, int steps)
    {
        using var scope = NewDisposeScope();
        using var weights32 = Weights(cell, vocabulary: 4, hidden: 2, embedding, seed: 4);
        using var weights = weights32.Map(t => t.to(float64));
        using var grads = weights.ZerosLike();
        var inputs = TestData.Tokens(steps, 2, 4, seed: 11);
        var targets = TestData.Tokens(steps, 2, 4, seed: 12);
        var lossWeights = tensor(new[] { 1.0, 1, 1, 0, 0, 1, 1, 1 }.Take(2 * steps).ToArray(), [steps, 2]);
        var h0 = randn(2, weights.StateSize, dtype: float64, generator: new Generator(6)) * 0.5;
        var network = new CharRnnNetwork(weights, Activation.Tanh);
        var (local, delta) = network.Backward(network.Forward(inputs, h0), targets, grads, lossWeights);
        Assert.Equal([steps, 2L, weights.StateSize], delta.shape);
        Assert.Equal([steps, 2L, weights.StateSize], local.shape);

        TestData.AssertMatchesFiniteDifferences(weights, grads, () => CharRnnNetwork.Loss(network.Forward(inputs, h0), targets, lossWeights).item<double>());
    }
}
