RnnPipeline.Samples.PretrainedFeaturizerSample.Run(Console.Out, args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "pretrained-featurizer"));
