using RnnPipeline.Worker.Hosting;
using RnnPipeline.Worker.Jobs;

namespace RnnPipeline.Worker;

/// <summary>Runs the configured suite once, sets the exit code and stops the host.</summary>
internal sealed class SuiteWorker(SuiteRunner runner, IHostApplicationLifetime lifetime, ILogger<SuiteWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            Environment.ExitCode = await Task.Run(() => runner.Run(stoppingToken), CancellationToken.None);
        }
        catch (InputException e)
        {
            Log.InvalidInput(logger, e.Message);
            Environment.ExitCode = ExitCodes.InvalidInput;
        }
        catch (AggregateException e) when (e.Flatten().InnerExceptions.All(inner => inner is InputException))
        {
            // Runs train in Parallel.For, which wraps what a run throws; bad input found by a run is still bad input.
            foreach (string message in e.Flatten().InnerExceptions.Select(inner => inner.Message).Distinct()) Log.InvalidInput(logger, message);
            Environment.ExitCode = ExitCodes.InvalidInput;
        }
        catch (Exception e)
        {
            // Runs fail one by one inside the runner; this is the suite itself (e.g. its report) failing.
            Log.SuiteFailed(logger, e.Message.Split('\n')[0].Trim(), e);
            Environment.ExitCode = ExitCodes.RunFailed;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }
}
