using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace RnnPipeline.Worker.Hosting;

/// <summary>
/// One line per message, as a person reads progress: <c>HH:mm:ss message</c>; warnings and errors as
/// <c>warning: message</c> and <c>error: message</c>. Exceptions print their message only; stack traces appear at Debug level.
/// </summary>
public sealed class LineConsoleFormatter(TimeProvider clock) : ConsoleFormatter(FormatterName)
{
    /// <summary>Name to select this formatter with.</summary>
    public const string FormatterName = "line";

    /// <inheritdoc />
    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        string message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        string prefix = logEntry.LogLevel switch
        {
            LogLevel.Warning => "warning: ",
            LogLevel.Error or LogLevel.Critical => "error: ",
            LogLevel.Debug or LogLevel.Trace => "debug: ",
            _ => "",
        };
        if (logEntry.LogLevel < LogLevel.Warning)
            textWriter.Write(clock.GetLocalNow().ToString("HH:mm:ss ", System.Globalization.CultureInfo.InvariantCulture));
        textWriter.Write(prefix);
        textWriter.WriteLine(message);
        if (logEntry.Exception is { } e && logEntry.LogLevel <= LogLevel.Debug) textWriter.WriteLine(e.ToString());
    }
}
