using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Legends;
using RnnPipeline.Diagnostics;

namespace RnnPipeline.Reporting.Plots;

/// <summary>Shared look of every plot: Okabe–Ito colour-blind-safe palette, a font present on Linux, labelled axes.</summary>
public static class PlotStyle
{
    /// <summary>Font family used by every plot (installed with Debian's fonts-dejavu-core).</summary>
    public const string Font = "DejaVu Sans";

    /// <summary>Okabe &amp; Ito (2008) palette without yellow (too light on white), then black and grey.</summary>
    public static readonly OxyColor[] Palette =
    [
        OxyColor.FromRgb(0x00, 0x72, 0xB2), OxyColor.FromRgb(0xD5, 0x5E, 0x00), OxyColor.FromRgb(0x00, 0x9E, 0x73),
        OxyColor.FromRgb(0xCC, 0x79, 0xA7), OxyColor.FromRgb(0x56, 0xB4, 0xE9), OxyColor.FromRgb(0xE6, 0x9F, 0x00),
        OxyColor.FromRgb(0x00, 0x00, 0x00), OxyColor.FromRgb(0x88, 0x88, 0x88),
    ];

    /// <summary>Colour of the i-th run.</summary>
    public static OxyColor Color(int index) => Palette[index % Palette.Length];

    /// <summary>Short label of a run (its name within the suite).</summary>
    public static string Label(RunInfo info) => info.Name;

    /// <summary>An empty plot with title, legend and font.</summary>
    public static PlotModel Model(string title, string? subtitle = null)
    {
        var model = new PlotModel
        {
            Title = title,
            Subtitle = subtitle,
            DefaultFont = Font,
            DefaultFontSize = 12,
            TitleFontSize = 15,
            SubtitleFontSize = 11,
            PlotAreaBorderColor = OxyColor.FromRgb(0x99, 0x99, 0x99),
            Background = OxyColors.White,
        };
        model.Legends.Add(new Legend
        {
            LegendPosition = LegendPosition.RightTop,
            LegendPlacement = LegendPlacement.Outside,
            LegendBackground = OxyColor.FromAColor(230, OxyColors.White),
            LegendFontSize = 11,
        });
        return model;
    }

    /// <summary>A linear axis with a title (units in the title) and a light grid.</summary>
    public static LinearAxis Linear(AxisPosition position, string title, double? minimum = null, double? maximum = null) => new()
    {
        Position = position,
        Title = title,
        Minimum = minimum ?? double.NaN,
        Maximum = maximum ?? double.NaN,
        MajorGridlineStyle = LineStyle.Solid,
        MajorGridlineColor = OxyColor.FromRgb(0xE6, 0xE6, 0xE6),
    };

    /// <summary>A log10 axis with a title and a light grid.</summary>
    public static LogarithmicAxis Log(AxisPosition position, string title) => new()
    {
        Position = position,
        Title = title,
        Base = 10,
        MajorGridlineStyle = LineStyle.Solid,
        MajorGridlineColor = OxyColor.FromRgb(0xE6, 0xE6, 0xE6),
        MinorGridlineStyle = LineStyle.None,
    };

    /// <summary>A grey horizontal reference line at <paramref name="y"/> (threshold, chance level, 1/γ …) with an optional label.</summary>
    public static LineAnnotation Reference(double y, LineStyle style, string? text = null) => new()
    {
        Type = LineAnnotationType.Horizontal, Y = y, LineStyle = style, Color = OxyColors.DimGray, Text = text, TextColor = OxyColors.DimGray,
    };

    /// <summary>True for values a log axis can show.</summary>
    public static bool Positive(double value) => double.IsFinite(value) && value > 0;
}
