using RnnPipeline.Options;
using RnnPipeline.Training.Optim;

namespace RnnPipeline.Tests.Training;

public sealed class GradientClipperTests
{
    /// <summary>Gradients that are zero except W_hh = [[3]] and b_h = [4]: global norm 5.</summary>
    private static RnnPipeline.Training.Model.CharRnnWeights ThreeFour()
    {
        var grads = TestData.Weights(vocabulary: 2, hidden: 1).ZerosLike();
        grads.Whh.fill_(3);
        grads.Bh.fill_(4);
        return grads;
    }

    [Fact]
    public void Clip_ByNormAboveThreshold_RescalesToThreshold()
    {
        using var grads = ThreeFour();
        var record = GradientClipper.Clip(7, grads, GradientClipper.GlobalNorm(grads), new ClippingOptions { Mode = ClipMode.Norm, Threshold = 1 });
        Assert.Equal(7, record.Step);
        Assert.Equal(5, record.PreClipNorm, 6);
        Assert.Equal(1, record.PostClipNorm, 5);
        Assert.Equal(1, GradientClipper.GlobalNorm(grads), 5);
        Assert.True(record.Clipped);
        Assert.Equal(0.2, record.Scale, 5);
        Assert.Equal(1, record.Threshold);
        Assert.Equal(0.6, grads.Whh.item<float>(), 5);
    }

    [Fact]
    public void Clip_ByNormBelowThreshold_LeavesGradientsAlone()
    {
        using var grads = ThreeFour();
        var record = GradientClipper.Clip(0, grads, 5, new ClippingOptions { Mode = ClipMode.Norm, Threshold = 10 });
        Assert.False(record.Clipped);
        Assert.Equal((5.0, 5.0, 1.0), (record.PreClipNorm, record.PostClipNorm, record.Scale));
        Assert.Equal(3, grads.Whh.item<float>());
    }

    [Fact]
    public void Clip_ByValue_ClampsEachElement()
    {
        using var grads = ThreeFour();
        var record = GradientClipper.Clip(0, grads, 5, new ClippingOptions { Mode = ClipMode.Value, Threshold = 2 });
        Assert.Equal((2f, 2f), (grads.Whh.item<float>(), grads.Bh.item<float>()));
        Assert.Equal(Math.Sqrt(8), record.PostClipNorm, 5);
        Assert.True(record.Clipped);
        Assert.Equal(Math.Sqrt(8) / 5, record.Scale, 5);
    }

    [Fact]
    public void Clip_None_RecordsZeroThresholdAndNoClipping()
    {
        using var grads = ThreeFour();
        var record = GradientClipper.Clip(0, grads, 5, new ClippingOptions { Mode = ClipMode.None, Threshold = 1 });
        Assert.Equal((0.0, false, 5.0), (record.Threshold, record.Clipped, record.PostClipNorm));
    }
}
