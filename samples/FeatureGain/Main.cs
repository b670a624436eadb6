// dotnet run -c Release --project samples/FeatureGain -- <folder with the license texts> [--seeds N] [--variants a,b,...]
// [--hidden H] [--steps N] [--train N] [--test N] [--pretrain-seed S]; docs/mlnet.md ("Features that add") has the table this prints.
try
{
    return RnnPipeline.Samples.FeatureGainSample.Measure(args, Console.Out);
}
catch (RnnPipeline.InputException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}
