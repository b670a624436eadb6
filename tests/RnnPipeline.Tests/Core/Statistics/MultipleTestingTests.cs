using RnnPipeline.Statistics;

namespace RnnPipeline.Tests.Core.Statistics;

public sealed class MultipleTestingTests
{
    // Reference values: R's p.adjust(p, "holm") and p.adjust(p, "BH"), worked by hand below.
    [Fact]
    public void Holm_StepsDownAndStaysMonotone()
    {
        // sorted 0.01, 0.02, 0.03, 0.04, 0.05 → 5·0.01, 4·0.02, 3·0.03, max(2·0.04, 0.09), max(1·0.05, 0.09)
        Assert.Equal([0.05, 0.08, 0.09, 0.09, 0.09], MultipleTesting.Holm([0.01, 0.02, 0.03, 0.04, 0.05]).Select(p => Math.Round(p, 12)));
        Assert.Equal([0.06, 0.03, 0.6], MultipleTesting.Holm([0.03, 0.01, 0.6]).Select(p => Math.Round(p, 12)));   // 3·0.01, 2·0.03, 0.6
    }

    [Fact]
    public void BenjaminiHochberg_StepsUpAndStaysMonotone()
    {
        Assert.Equal([0.05, 0.05, 0.05, 0.05, 0.05], MultipleTesting.BenjaminiHochberg([0.01, 0.02, 0.03, 0.04, 0.05]).Select(p => Math.Round(p, 12)));
        // sorted 0.001, 0.008, 0.039, 0.041, 0.6 (m = 5): 0.005, 0.02, min(0.065, 0.05125), 0.05125, 0.6
        Assert.Equal([0.02, 0.005, 0.05125, 0.05125, 0.6],
            MultipleTesting.BenjaminiHochberg([0.008, 0.001, 0.039, 0.041, 0.6]).Select(p => Math.Round(p, 12)));
    }

    [Fact]
    public void BothAdjustments_OfOneTest_AreThePValue()
    {
        Assert.Equal([0.2], MultipleTesting.Holm([0.2]));
        Assert.Equal([0.2], MultipleTesting.BenjaminiHochberg([0.2]));
    }
}
