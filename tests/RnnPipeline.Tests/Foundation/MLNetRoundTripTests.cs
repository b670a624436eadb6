using Microsoft.ML;

namespace RnnPipeline.Tests.Foundation;

public sealed class MLNetRoundTripTests
{
    private sealed class Row
    {
        public float Value { get; set; }
        public string Name { get; set; } = "";
    }

    [Fact]
    public void SaveAsBinary_ThenLoadFromBinary_ReturnsEqualRows()
    {
        var ml = new MLContext(seed: 0);
        Row[] rows = [new() { Value = 1.5f, Name = "a" }, new() { Value = -2f, Name = "b" }];
        var view = ml.Data.LoadFromEnumerable(rows);
        using var stream = new MemoryStream();
        ml.Data.SaveAsBinary(view, stream, keepHidden: false);
        string path = Path.Combine(Path.GetTempPath(), $"rnnpipeline-{Guid.NewGuid():N}.idv");
        try
        {
            File.WriteAllBytes(path, stream.ToArray());
            var loaded = ml.Data.CreateEnumerable<Row>(ml.Data.LoadFromBinary(path), reuseRowObject: false).ToArray();
            Assert.Equal(rows.Select(r => (r.Value, r.Name)), loaded.Select(r => (r.Value, r.Name)));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
