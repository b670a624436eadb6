using Microsoft.Extensions.Options;
using RnnPipeline.Worker.Suites;

namespace RnnPipeline.Worker.Hosting;

/// <summary>Checks <see cref="WorkerOptions.Shard"/> when the host starts, so a bad value writes nothing.</summary>
internal sealed class ShardValidation : IValidateOptions<WorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        try
        {
            if (Shard.Parse(options.Shard) is not null && options.ReportOnly)
                return ValidateOptionsResult.Fail($"--shard {options.Shard} cannot be combined with --report: the report merges every shard's runs; run --report once, without --shard, after the shards");
            return ValidateOptionsResult.Success;
        }
        catch (InputException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }
}
