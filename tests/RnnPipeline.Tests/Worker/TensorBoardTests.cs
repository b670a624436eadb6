using System.Buffers.Binary;
using System.Text;

namespace RnnPipeline.Tests.Worker;

/// <summary>The worker's TensorBoard event files, read back record by record (TFRecord framing, Event and Summary protobufs).</summary>
public sealed class TensorBoardTests : IDisposable
{
    private readonly TestSuites _suites = new();

    public void Dispose() => _suites.Dispose();

    [Fact]
    public void TensorBoardOn_WritesEventFilesPerRun_WithEveryStepsScalarsAndTheStabilityHistograms()
    {
        string suite = _suites.Write("tiny.json", TestSuites.Tiny);
        var result = WorkerProcess.Run(_suites.Folder, "--suite", suite, "--output", _suites.Output, "--Worker:TensorBoard=true");
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);

        string run = Path.Combine(_suites.Output, "tiny", "text-tanh");
        var events = Directory.GetFiles(Path.Combine(run, "tensorboard"), "events.out.tfevents.*").SelectMany(Read).ToArray();
        var bpc = events.Where(e => e.Tag == "train/bits_per_char").ToArray();
        Assert.Equal(Enumerable.Range(0, 24), bpc.Select(e => (int)e.Step).Order());     // every step of the 24
        var metrics = File.ReadLines(Path.Combine(run, "data", "metrics.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        foreach (var row in metrics)                                                    // the values the data view holds, as float32
            Assert.Equal((float)double.Parse(row[2], System.Globalization.CultureInfo.InvariantCulture), bpc.Single(e => e.Step == int.Parse(row[0])).Value);
        Assert.Contains(events, e => e.Tag == "stability/jacobian_norm" && e.Histogram);
        Assert.Contains(events, e => e.Tag == "stability/gradient_flow" && e.Histogram);
        var evaluations = File.ReadLines(Path.Combine(run, "data", "evaluations.csv")).Skip(1).Select(l => long.Parse(l.Split(',')[0])).ToArray();
        Assert.Equal(evaluations, events.Where(e => e.Tag == "validation/bits_per_char").Select(e => e.Step));
        var recall = Directory.GetFiles(Path.Combine(_suites.Output, "tiny", "recall-tanh", "tensorboard")).SelectMany(Read);
        Assert.Contains(recall, e => e.Tag == "probe/accuracy_lag_4" && e.Step == 24);

        var off = WorkerProcess.Run(_suites.Folder, "--suite", suite, "--output", Path.Combine(_suites.Folder, "off"));
        Assert.True(off.ExitCode == 0, off.Stdout + off.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_suites.Folder, "off", "tiny", "text-tanh", "tensorboard")));
    }

    /// <summary>
    /// kill -9 after the last periodic checkpoint, then --resume: the steps the killed process wrote after its checkpoint
    /// are dropped from its event file before the resumed run writes them again, so every step appears once.
    /// </summary>
    [Fact]
    public void KilledAfterACheckpoint_Resumed_EveryStepAppearsOnceInTheEventFiles()
    {
        string suite = _suites.Write("periodic.json", """
            {
              "Name": "periodic",
              "Defaults": {
                "Model": { "HiddenSize": 8 },
                "Training": { "Steps": 400, "BatchSize": 4, "WindowLength": 12, "EvalEvery": 100, "EvalWindows": 4, "CheckpointEvery": 50 },
                "Diagnostics": { "Every": 0 }
              },
              "Runs": [ { "Name": "text", "Corpus": { "Kind": "TextFile", "Path": "tiny.txt", "ValidationFraction": 0.2 } } ]
            }
            """);
        string[] args = ["--suite", suite, "--output", _suites.Output, "--threads", "1", "--Worker:ProgressSeconds=0.1", "--Worker:TensorBoard=true", "--resume"];
        string tensorboard = Path.Combine(_suites.Output, "periodic", "text", "tensorboard");
        using (var process = System.Diagnostics.Process.Start(WorkerProcess.StartInfo(_suites.Folder, args))!)
        {
            // Past a checkpoint and with steps after it in the event file: then SIGKILL, no chance to checkpoint.
            while (process.StandardOutput.ReadLine() is { } line)
                if (System.Text.RegularExpressions.Regex.Match(line, @"\[text\] step (\d+)/400") is { Success: true } m && int.Parse(m.Groups[1].Value) is var step && step >= 120 && step % 50 >= 20) break;
            process.Kill();
            process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)));
        }
        var before = Directory.GetFiles(tensorboard, "events.out.tfevents.*").SelectMany(Read).Where(e => e.Tag == "train/bits_per_char").ToArray();
        Assert.NotEmpty(before);                                                 // usually with steps after the last checkpoint

        var resumed = WorkerProcess.Run(_suites.Folder, args);
        Assert.True(resumed.ExitCode == 0, resumed.Stdout + resumed.Stderr);
        var steps = Directory.GetFiles(tensorboard, "events.out.tfevents.*").SelectMany(Read).Where(e => e.Tag == "train/bits_per_char").Select(e => e.Step).Order();
        Assert.Equal(Enumerable.Range(0, 400).Select(i => (long)i), steps);
    }

    private sealed record Event(long Step, string Tag, float Value, bool Histogram);

    /// <summary>Every summary value of an event file: TFRecords of [length u64][crc u32][Event][crc u32].</summary>
    private static IEnumerable<Event> Read(string file)
    {
        byte[] bytes = File.ReadAllBytes(file);
        for (int at = 0; at + 12 <= bytes.Length;)
        {
            int length = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));
            var data = bytes.AsMemory(at + 12, length);
            at += 12 + length + 4;
            long step = 0;
            var values = new List<(string Tag, float Value, bool Histogram)>();
            foreach (var (field, value, payload) in Fields(data))
            {
                if (field == 2) step = value;                                    // Event.step
                if (field != 5) continue;                                        // Event.summary
                foreach (var (f, _, v) in Fields(payload))
                {
                    if (f != 1) continue;                                        // Summary.value
                    string tag = "";
                    float simple = float.NaN;
                    bool histogram = false;
                    foreach (var (vf, raw, vp) in Fields(v))
                    {
                        if (vf == 1) tag = Encoding.UTF8.GetString(vp.Span);     // Value.tag
                        if (vf == 2) simple = BitConverter.Int32BitsToSingle((int)raw);   // Value.simple_value
                        if (vf == 5) histogram = true;                           // Value.histo
                    }
                    values.Add((tag, simple, histogram));
                }
            }
            foreach (var v in values) yield return new Event(step, v.Tag, v.Value, v.Histogram);
        }
    }

    /// <summary>The fields of a protobuf message: number, the varint or fixed value, and the payload of length-delimited ones.</summary>
    private static IEnumerable<(int Field, long Value, ReadOnlyMemory<byte> Payload)> Fields(ReadOnlyMemory<byte> message)
    {
        int at = 0;
        while (at < message.Length)
        {
            long key = Varint(message.Span, ref at);
            int field = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0: yield return (field, Varint(message.Span, ref at), default); break;
                case 1: yield return (field, BinaryPrimitives.ReadInt64LittleEndian(message.Span[at..]), default); at += 8; break;
                case 5: yield return (field, BinaryPrimitives.ReadInt32LittleEndian(message.Span[at..]), default); at += 4; break;
                case 2:
                    int length = (int)Varint(message.Span, ref at);
                    yield return (field, length, message.Slice(at, length));
                    at += length;
                    break;
                default: throw new InvalidDataException($"wire type {wire}");
            }
        }
    }

    private static long Varint(ReadOnlySpan<byte> bytes, ref int at)
    {
        long value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = bytes[at++];
            value |= (long)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
    }
}
