using RnnPipeline;
using RnnPipeline.Worker.Hosting;

string[] settings;
try
{
    settings = CommandLine.Normalize(args);
}
catch (InputException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return ExitCodes.InvalidInput;
}

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = settings, ContentRootPath = AppContext.BaseDirectory });
builder.AddRnnPipelineWorker();
using var host = builder.Build();
return await host.RunWorkerAsync();
