using System.Globalization;

namespace RnnPipeline.Worker.Suites;

/// <summary>
/// One of <see cref="Count"/> processes that share a suite (<c>--shard INDEX/COUNT</c>, 0 ≤ INDEX &lt; COUNT). With
/// <c>--shard auto/COUNT</c> the index comes from the array job the process runs in: <c>JOB_COMPLETION_INDEX</c>
/// (Kubernetes Indexed Job) or <c>SLURM_ARRAY_TASK_ID</c> (Slurm job array); both are 0-based when the Job has
/// <c>completions: COUNT</c> or the array is submitted as <c>--array=0-(COUNT−1)</c>. COUNT is never read from the
/// array's size, so one index can be retried alone (e.g. <c>sbatch --array=1</c>) and still gets its own runs.
/// </summary>
/// <param name="Index">This shard, from 0.</param>
/// <param name="Count">Number of shards.</param>
public sealed record Shard(int Index, int Count)
{
    /// <summary>Index variable of a Kubernetes Indexed Job.</summary>
    public const string KubernetesIndex = "JOB_COMPLETION_INDEX";
    /// <summary>Index variable of a Slurm job array.</summary>
    public const string SlurmIndex = "SLURM_ARRAY_TASK_ID";

    /// <summary>Parses <paramref name="text"/> (<c>INDEX/COUNT</c> or <c>auto/COUNT</c>); null when empty (no sharding).</summary>
    /// <param name="text">The <c>--shard</c> value.</param>
    /// <param name="environment">Reads an environment variable (null when unset).</param>
    /// <exception cref="InputException">Malformed value, index out of range, or no usable array index for <c>auto</c>.</exception>
    public static Shard? Parse(string? text, Func<string, string?> environment)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        string where = $"--shard {text}";
        string[] parts = text.Trim().Split('/');
        if (parts.Length != 2 || !TryCount(parts[1], out int count) || count < 1)
            throw new InputException($"{where}: write INDEX/COUNT with COUNT ≥ 1 and 0 ≤ INDEX < COUNT (e.g. --shard 0/3), or auto/COUNT to read INDEX from {KubernetesIndex} or {SlurmIndex}");
        if (parts[0].Equals("auto", StringComparison.OrdinalIgnoreCase))
            return new Shard(FromEnvironment(where, count, environment), count);
        if (!TryCount(parts[0], out int index))
            throw new InputException($"{where}: INDEX '{parts[0]}' is not a number from 0 to {count - 1}: write e.g. --shard 0/{count}, or auto/{count} inside an array job");
        if (index >= count)
            throw new InputException($"{where}: INDEX {index} is out of range for {count} shard(s): indices run from 0 to {count - 1}");
        return new Shard(index, count);
    }

    /// <summary>The process's own environment.</summary>
    public static Shard? Parse(string? text) => Parse(text, Environment.GetEnvironmentVariable);

    /// <inheritdoc />
    public override string ToString() => $"{Index}/{Count}";

    private static int FromEnvironment(string where, int count, Func<string, string?> environment)
    {
        string? kubernetes = environment(KubernetesIndex), slurm = environment(SlurmIndex);
        if (string.IsNullOrEmpty(kubernetes) && string.IsNullOrEmpty(slurm))
            throw new InputException($"{where}: neither {KubernetesIndex} (Kubernetes Indexed Job) nor {SlurmIndex} (Slurm job array) is set: run it as an array task or pass the index, e.g. --shard 0/{count}");
        if (!string.IsNullOrEmpty(kubernetes) && !string.IsNullOrEmpty(slurm) && kubernetes.Trim() != slurm.Trim())
            throw new InputException($"{where}: {KubernetesIndex}={kubernetes} and {SlurmIndex}={slurm} disagree: unset one of them or pass the index, e.g. --shard {kubernetes}/{count}");
        var (name, value) = string.IsNullOrEmpty(kubernetes) ? (SlurmIndex, slurm!) : (KubernetesIndex, kubernetes);
        string fix = name == SlurmIndex ? $"submit the array as sbatch --array=0-{count - 1}" : $"give the Job completions: {count} and completionMode: Indexed";
        if (!TryCount(value, out int index) || index >= count)
            throw new InputException($"{where}: {name}={value} is not a shard index from 0 to {count - 1}: {fix}");
        return index;
    }

    private static bool TryCount(string text, out int value) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
