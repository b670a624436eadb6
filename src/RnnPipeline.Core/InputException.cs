namespace RnnPipeline;

/// <summary>
/// Bad user input (configuration, text file, command line). The message is one line that names the field or file and
/// says how to fix it; hosts print it without a stack trace and exit with code 2.
/// </summary>
public sealed class InputException(string message) : Exception(message);
