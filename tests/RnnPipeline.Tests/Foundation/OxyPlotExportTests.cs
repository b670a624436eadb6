using OxyPlot;
using OxyPlot.Series;

namespace RnnPipeline.Tests.Foundation;

public sealed class OxyPlotExportTests
{
    private static PlotModel LinePlot()
    {
        var model = new PlotModel { Title = "export check", DefaultFont = "DejaVu Sans" };
        var series = new LineSeries();
        for (int i = 0; i < 20; i++) series.Points.Add(new DataPoint(i, Math.Sin(i / 3.0)));
        model.Series.Add(series);
        return model;
    }

    [Fact]
    public void PngExporter_WritesValidPng()
    {
        using var stream = new MemoryStream();
        new OxyPlot.SkiaSharp.PngExporter { Width = 400, Height = 300 }.Export(LinePlot(), stream);
        byte[] png = stream.ToArray();
        Assert.True(png.Length > 2000, $"PNG has only {png.Length} bytes");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
    }

    [Fact]
    public void SvgExporter_WritesSvgDocument()
    {
        using var stream = new MemoryStream();
        new SvgExporter { Width = 400, Height = 300 }.Export(LinePlot(), stream);
        string svg = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        Assert.Contains("<svg", svg);
        Assert.Contains("export check", svg);
    }
}
