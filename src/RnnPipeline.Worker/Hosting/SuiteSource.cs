using Microsoft.Extensions.Options;
using RnnPipeline.Worker.Suites;

namespace RnnPipeline.Worker.Hosting;

/// <summary>The suite named by <see cref="WorkerOptions.Suite"/>, loaded once, with command-line "Suite:" overrides.</summary>
public sealed class SuiteSource(IOptions<WorkerOptions> options, IConfiguration configuration)
{
    private readonly Lazy<Suite> _suite = new(() => SuiteLoader.Load(options.Value.Suite, configuration.GetSection("Suite")));

    /// <summary>The loaded suite.</summary>
    /// <exception cref="InputException">The suite file is missing or malformed.</exception>
    public Suite Suite => _suite.Value;
}

/// <summary>Validates the suite when the host starts (ValidateOnStart), reporting every problem of every run.</summary>
internal sealed class SuiteValidation(IConfiguration configuration) : IValidateOptions<WorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        try
        {
            var suite = SuiteLoader.Load(options.Suite, configuration.GetSection("Suite"));
            var errors = RunSpecValidator.Validate(suite, options.ReportOnly ? null : AvailableMemory.Of(options.MemoryLimit), options.ParallelRuns, options.BatchRuns,
                RunsOfShard(suite, options.Shard));
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
        catch (InputException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }

    /// <summary>How many runs a process of <paramref name="shard"/> trains (all when there is none, or when it is invalid: ShardValidation reports that).</summary>
    private static int? RunsOfShard(Suite suite, string? shard)
    {
        try
        {
            return Shard.Parse(shard) is { } s ? ShardAssignment.RunsOf(suite.Runs, s).Count : null;
        }
        catch (InputException)
        {
            return null;
        }
    }
}
