using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace RnnPipeline.Worker.Hosting;

/// <summary>Registration of the worker's services, options and console logging.</summary>
public static class WorkerRegistration
{
    /// <summary>Adds the suite worker, its validated options and one-line console logging.</summary>
    public static HostApplicationBuilder AddRnnPipelineWorker(this HostApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o =>
        {
            o.FormatterName = LineConsoleFormatter.FormatterName;
            o.LogToStandardErrorThreshold = LogLevel.Error;
        }).AddConsoleFormatter<LineConsoleFormatter, ConsoleFormatterOptions>();

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        var section = builder.Configuration.GetSection(WorkerOptions.Section);
        services.AddOptions<WorkerOptions>()
            .Configure(o => BindStrictly(section, o))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<WorkerOptions>, SuiteValidation>();
        services.AddSingleton<IValidateOptions<WorkerOptions>, ShardValidation>();
        // A cancelled run finishes its step, checkpoints and writes its report before the host gives up on it.
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(10));
        services.AddSingleton<SuiteSource>();
        services.AddSingleton<Jobs.SuiteRunner>();
        services.AddHostedService<SuiteWorker>();
        return builder;
    }

    /// <summary>Runs the host until the suite ends; returns the process exit code (see <see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunWorkerAsync(this IHost host)
    {
        try
        {
            await host.RunAsync();
            return Environment.ExitCode;
        }
        catch (OptionsValidationException e)
        {
            foreach (string failure in e.Failures) Console.Error.WriteLine($"error: {failure}");
            return ExitCodes.InvalidInput;
        }
    }

    /// <summary>
    /// Binds the Worker section, refusing unknown keys; whatever the binder refuses in this section is invalid input,
    /// reported as a validation failure like the others (one line, exit code 2).
    /// </summary>
    private static void BindStrictly(IConfigurationSection section, WorkerOptions options)
    {
        try
        {
            section.Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            throw new OptionsValidationException(WorkerOptions.Section, typeof(WorkerOptions), [ConfigurationErrors.Describe(e.Message)]);
        }
    }
}
