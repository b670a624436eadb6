using RnnPipeline.Worker.Hosting;

namespace RnnPipeline.Tests.Worker;

public sealed class CommandLineTests
{
    [Fact]
    public void Normalize_ShortSwitchesAndFlags_MapToWorkerKeys() =>
        Assert.Equal(
            ["--Worker:Suite=a.json", "--Worker:Output=o", "--Worker:Resume=true", "--Suite:Defaults:Training:Steps=5"],
            CommandLine.Normalize(["--suite", "a.json", "--output=o", "--resume", "--Suite:Defaults:Training:Steps=5"]));

    [Theory]
    [InlineData("--sute")]
    [InlineData("positional")]
    [InlineData("--Training:Steps=3")]
    public void Normalize_UnknownArgument_Throws(string arg) =>
        Assert.Contains("unknown option", Assert.Throws<InputException>(() => CommandLine.Normalize([arg])).Message);

    [Fact]
    public void Normalize_SwitchWithoutValue_Throws() =>
        Assert.Contains("needs a value", Assert.Throws<InputException>(() => CommandLine.Normalize(["--suite"])).Message);
}
