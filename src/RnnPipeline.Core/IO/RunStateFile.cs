using System.Text.Json;
using System.Text.Json.Serialization;
using RnnPipeline.Options;

namespace RnnPipeline.IO;

/// <summary>
/// A run folder's <c>run.json</c>: how the run ended (or that it is under way), the steps it trained and its
/// specification. Written by the worker with the folder's checksums; read by the worker (<c>--resume</c>,
/// <c>--report</c>) and by the ML.NET featurizer, both through <see cref="Read"/>.
/// </summary>
/// <param name="State">How the run ended; <see cref="RunStatus.Cancelled"/> also while it trains (after a periodic checkpoint).</param>
/// <param name="Steps">Steps trained.</param>
/// <param name="Spec">The run's specification.</param>
public sealed record RunStateFile(RunStatus State, int Steps, RunSpec Spec)
{
    /// <summary>Name of the file in a run folder.</summary>
    public const string FileName = "run.json";

    /// <summary>Largest file read (1 MiB): a state, a step count and the run's settings take a few KB.</summary>
    public const long MaximumBytes = 1 << 20;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    /// <summary>The file's text.</summary>
    public string Serialize() => JsonSerializer.Serialize(this, Json);

    /// <summary>
    /// The state file at <paramref name="path"/> after checking it against its folder's checksums, or null when there is
    /// none. It is read only as <see cref="RegularFile"/> allows.
    /// </summary>
    /// <exception cref="InputException">The file is not a regular file, too large, damaged, or not a run state file.</exception>
    public static RunStateFile? Read(string path, string fix)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) return null;
        FileChecksums.Verify(path, fix, MaximumBytes);
        try
        {
            return JsonSerializer.Deserialize<RunStateFile>(RegularFile.ReadAllText(path, MaximumBytes, fix), Json) is { Spec: not null } state
                && Enum.IsDefined(state.State)
                ? state
                : throw new InputException($"'{Path.GetFullPath(path)}' is not a run state file (it has no run specification or state): {fix}");
        }
        catch (JsonException e)
        {
            throw new InputException($"'{Path.GetFullPath(path)}' is not a run state file ({e.Message}): {fix}");
        }
    }
}
