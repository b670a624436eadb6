using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace RnnPipeline.Options;

/// <summary>Everything that defines one training run.</summary>
public sealed class RunSpec
{
    /// <summary>Run name, unique within a suite; used as its output folder name.</summary>
    [Required, FolderName]
    public string Name { get; set; } = "run";

    /// <summary>Training text.</summary>
    public CorpusOptions Corpus { get; set; } = new();

    /// <summary>Architecture.</summary>
    public ModelOptions Model { get; set; } = new();

    /// <summary>Optimisation.</summary>
    public TrainingOptions Training { get; set; } = new();

    /// <summary>Gradient clipping.</summary>
    public ClippingOptions Clipping { get; set; } = new();

    /// <summary>Inf/NaN guard.</summary>
    public NonFiniteOptions NonFinite { get; set; } = new();

    /// <summary>Stability diagnostics.</summary>
    public DiagnosticsOptions Diagnostics { get; set; } = new();

    /// <summary>Long-range probe evaluation.</summary>
    public ProbeOptions Probe { get; set; } = new();

    private static readonly JsonSerializerOptions CanonicalJson = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The specification as indented JSON (enums as names).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, CanonicalJson);

    /// <summary>
    /// First 12 hex digits of the SHA-256 of <see cref="ToJson"/> without the name and the report-only probe settings
    /// (thresholds and error rates the report applies): equal hashes, equal training and records.
    /// </summary>
    public string ConfigHash()
    {
        var node = JsonSerializer.SerializeToNode(this, CanonicalJson)!.AsObject();
        node.Remove(nameof(Name));
        var probe = node[nameof(Probe)]!.AsObject();
        foreach (string setting in ProbeOptions.ReportOnly) probe.Remove(setting);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(node.ToJsonString())))[..12];
    }

    /// <summary>
    /// First 12 hex digits of the SHA-256 of the settings that make a unit: <see cref="ConfigHash"/>'s settings without
    /// the seed and, for <see cref="CorpusOptions.Episodes"/> runs, without the lag. Runs pool as seeds of one unit only
    /// when this hash agrees.
    /// </summary>
    public string UnitHash()
    {
        var unit = Clone();
        unit.Training.Seed = 0;
        if (unit.Corpus.Episodes) unit.Corpus.Lags = [];
        return unit.ConfigHash();
    }

    /// <summary>
    /// Length T of the sequences a step trains on: the episode's input (the lag) with <see cref="CorpusOptions.Episodes"/>,
    /// else <see cref="TrainingOptions.WindowLength"/>.
    /// </summary>
    [JsonIgnore]
    public int SequenceLength => Corpus.Episodes && Corpus.Lags.Length > 0 ? Corpus.Lags[0] : Training.WindowLength;

    /// <summary>A deep copy (via JSON).</summary>
    public RunSpec Clone() => JsonSerializer.Deserialize<RunSpec>(ToJson(), CanonicalJson)!;
}
