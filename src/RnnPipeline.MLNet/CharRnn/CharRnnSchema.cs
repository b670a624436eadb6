using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;

namespace RnnPipeline.MLNet.CharRnn;

/// <summary>
/// The char-RNN's columns, expressed through ML.NET's public CustomMapping so that schema propagation, lazy row
/// mapping and cursors behave exactly like ML.NET's own transforms.
/// </summary>
internal static class CharRnnSchema
{
    public sealed class Input
    {
        public string? Text { get; set; }
    }

    public sealed class Output
    {
        public float[] Features { get; set; } = [];
        public float BitsPerChar { get; set; }
    }

    /// <summary>Length of the feature vector for <paramref name="pooling"/> of <paramref name="hidden"/> units.</summary>
    public static int FeatureLength(CharRnnPooling pooling, int hidden) => pooling == CharRnnPooling.Concatenated ? 3 * hidden : hidden;

    /// <summary>A CustomMapping estimator with the char-RNN's input and output columns (names and vector size applied).</summary>
    public static CustomMappingEstimator<Input, Output> Template(MLContext ml, CharRnnColumns columns, int length, Action<Input, Output>? map = null) =>
        ml.Transforms.CustomMapping(map ?? ((_, _) => { }), contractName: null, InputDefinition(columns), OutputDefinition(columns, length));

    /// <summary>The input schema definition: <see cref="Input.Text"/> read from the configured column.</summary>
    public static SchemaDefinition InputDefinition(CharRnnColumns columns)
    {
        var input = SchemaDefinition.Create(typeof(Input));
        input[nameof(Input.Text)].ColumnName = columns.Input;
        return input;
    }

    private static SchemaDefinition OutputDefinition(CharRnnColumns columns, int length)
    {
        var output = SchemaDefinition.Create(typeof(Output));
        var features = output[nameof(Output.Features)];                          // the indexer finds columns by their current name
        features.ColumnType = new VectorDataViewType(NumberDataViewType.Single, length);
        features.ColumnName = columns.Features;
        output[nameof(Output.BitsPerChar)].ColumnName = columns.BitsPerChar;
        return output;
    }

    /// <summary>Throws when <paramref name="column"/> is missing or not text.</summary>
    public static void RequireText(DataViewSchema schema, string column)
    {
        var found = schema.GetColumnOrNull(column);
        if (found is null)
            throw new ArgumentException($"input has no column '{column}': pass the text column as inputColumnName of FeaturizeCharRnn (columns: {string.Join(", ", schema.Select(c => c.Name))})");
        if (found.Value.Type is not TextDataViewType)
            throw new ArgumentException($"column '{column}' is {found.Value.Type}, not text: the char-RNN reads a string column");
    }
}
