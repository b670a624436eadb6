using OxyPlot;

namespace RnnPipeline.Reporting;

/// <summary>
/// One plot of the report, built once: its file name, the question it answers in the HTML and its model. Each size it
/// is shown at is rendered once, so the PNG under <c>plots/</c> and the image embedded in the HTML are the same bytes.
/// </summary>
/// <param name="name">File name under <c>plots/</c>, without the .png extension.</param>
/// <param name="question">The heading it answers in the HTML, or null for a small multiple shown in a grid.</param>
/// <param name="model">The plot.</param>
public sealed class ReportFigure(string name, string? question, PlotModel model)
{
    /// <summary>Size of the small multiples (heatmaps, probe accuracy over training) in the HTML grid, pixels.</summary>
    public const int GridWidth = 640, GridHeight = 380;

    private readonly Dictionary<(int Width, int Height), byte[]> _png = [];

    /// <summary>File name under <c>plots/</c>, without the .png extension.</summary>
    public string Name => name;

    /// <summary>The heading it answers in the HTML, or null for a small multiple shown in a grid.</summary>
    public string? Question => question;

    /// <summary>The plot's title (the image's alt text).</summary>
    public string Title => model.Title;

    /// <summary>The plot as PNG of <paramref name="width"/> × <paramref name="height"/> pixels, rendered on first use.</summary>
    public byte[] Png(int width = PlotExport.Width, int height = PlotExport.Height)
    {
        if (!_png.TryGetValue((width, height), out byte[]? png))
        {
            using var stream = new MemoryStream();
            PlotExport.Png(model, stream, width, height);
            _png[(width, height)] = png = stream.ToArray();
        }
        return png;
    }
}
