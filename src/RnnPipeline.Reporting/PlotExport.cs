using OxyPlot;

namespace RnnPipeline.Reporting;

/// <summary>Writes plots as PNG through SkiaSharp (exact text layout). The caller owns the stream.</summary>
public static class PlotExport
{
    /// <summary>Default size of a plot, pixels.</summary>
    public const int Width = 960, Height = 540;

    /// <summary>Writes <paramref name="model"/> as PNG.</summary>
    public static void Png(PlotModel model, Stream stream, int width = Width, int height = Height) =>
        new OxyPlot.SkiaSharp.PngExporter { Width = width, Height = height }.Export(model, stream);
}
