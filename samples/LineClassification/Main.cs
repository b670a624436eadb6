RnnPipeline.Samples.LineClassificationSample.Run(Console.Out);
