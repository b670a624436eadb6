RnnPipeline.Samples.NestingDepthSample.Run(Console.Out);
