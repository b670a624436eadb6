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
        finally
        {
            lifetime.StopApplication();
        }
    }
}
