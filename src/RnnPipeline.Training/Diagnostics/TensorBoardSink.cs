using System.Buffers.Binary;
using System.Globalization;
using RnnPipeline.Diagnostics;
using RnnPipeline.IO;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnPipeline.Training.Diagnostics;

/// <summary>
/// Writes a run's records as TensorBoard event files (through TorchSharp's <c>SummaryWriter</c>) into one folder, so
/// <c>tensorboard --logdir &lt;output&gt;</c> shows every run as it trains: per step <c>train/bits_per_char</c>,
/// <c>train/chars_per_second</c>, <c>train/gradient_norm</c> (before clipping), <c>train/clipped</c> (0 or 1) and
/// <c>train/nonfinite_events</c> (running count); per evaluation <c>validation/bits_per_char</c>; per stability
/// analysis <c>stability/lyapunov1</c>, <c>stability/memory_horizon</c>, <c>stability/mean_jacobian_norm</c> and the
/// histograms <c>stability/jacobian_norm</c> (‖J_t‖₂ over the window's timesteps) and <c>stability/gradient_flow</c>
/// (log10 ‖∂L/∂h_t‖ over them); per probe lag <c>probe/accuracy_lag_k</c> at each scoring. Non-finite values are
/// left out (they are events).
/// </summary>
public sealed class TensorBoardSink : IRunSink
{
    private readonly SummaryWriter _writer;
    private int _nonFinite;

    /// <summary>
    /// A sink writing event files into <paramref name="folder"/> (created when missing) for a run that continues from
    /// step <paramref name="fromStep"/>: the records of step <paramref name="fromStep"/> and later that earlier event files
    /// hold (written after the checkpoint a run resumes from, by a process that was then killed, or by an earlier attempt
    /// of a run that starts again from step 0) are dropped first, so TensorBoard shows every step once. Records are kept
    /// byte for byte, each with its own CRC; a record cut short by a killed writer ends the file.
    /// </summary>
    /// <exception cref="InputException">An event file is not a regular file or is larger than the bound (see <see cref="RegularFile"/>).</exception>
    public TensorBoardSink(string folder, int fromStep = 0)
    {
        Directory.CreateDirectory(folder);
        foreach (string file in Directory.GetFiles(folder, EventFilePattern)) KeepBefore(file, fromStep);
        _writer = utils.tensorboard.SummaryWriter(folder);
    }

    /// <summary>Names of TensorBoard event files.</summary>
    public const string EventFilePattern = "events.out.tfevents.*";

    /// <summary>
    /// Largest event file read: four times the memory this process may use, as for the data views (an event file holds a
    /// few scalars per step, fewer bytes than the step's rows in the data views). Files are streamed, never held whole.
    /// </summary>
    public static long MaximumEventFileBytes => 4 * GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>Rewrites <paramref name="file"/> with its records of steps before <paramref name="step"/> only (deleted when none is left).</summary>
    private static void KeepBefore(string file, int step)
    {
        var kept = new MemoryStream();
        bool dropped = false;
        using (var stream = RegularFile.OpenRead(file, MaximumEventFileBytes, "delete the run's tensorboard folder, or turn --Worker:TensorBoard off"))
        {
            var header = new byte[12];
            while (stream.Read(header) is var n && n > 0)
            {
                long length = n == 12 ? BinaryPrimitives.ReadInt64LittleEndian(header) : -1;
                if (length < 0 || length > stream.Length - stream.Position - 4) { dropped = true; break; }   // cut short
                var record = new byte[12 + length + 4];
                header.CopyTo(record, 0);
                stream.ReadExactly(record.AsSpan(12));
                if (EventStep(record.AsSpan(12, (int)length)) < step) kept.Write(record);
                else dropped = true;
            }
        }
        if (!dropped) return;
        if (kept.Length == 0) File.Delete(file);
        else AtomicFile.Write(file, s => kept.WriteTo(s));
    }

    /// <summary>The step of an Event message (field 2, a varint; 0 when absent, as protobuf defines), or long.MaxValue when it is malformed.</summary>
    private static long EventStep(ReadOnlySpan<byte> message)
    {
        for (int at = 0; at < message.Length;)
        {
            if (Varint(message, ref at) is not { } key) return long.MaxValue;
            int field = (int)(key >> 3);
            switch (key & 7)
            {
                case 0:
                    if (Varint(message, ref at) is not { } value) return long.MaxValue;
                    if (field == 2) return value;
                    break;
                case 1: at += 8; break;
                case 5: at += 4; break;
                case 2:
                    if (Varint(message, ref at) is not { } length || length > message.Length - at) return long.MaxValue;
                    at += (int)length;
                    break;
                default: return long.MaxValue;
            }
        }
        return 0;
    }

    private static long? Varint(ReadOnlySpan<byte> bytes, ref int at)
    {
        long value = 0;
        for (int shift = 0; shift < 64 && at < bytes.Length; shift += 7)
        {
            byte b = bytes[at++];
            value |= (long)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        return null;
    }

    /// <inheritdoc />
    public void Record(IRunRecord record)
    {
        switch (record)
        {
            case TrainingMetric row:
                Scalar("train/bits_per_char", row.BitsPerChar, row.Step);
                Scalar("train/chars_per_second", row.CharsPerSecond, row.Step);
                break;
            case ClipRecord row:
                Scalar("train/gradient_norm", row.PreClipNorm, row.Step);
                Scalar("train/clipped", row.Clipped ? 1 : 0, row.Step);
                break;
            case NonFiniteEvent row: Scalar("train/nonfinite_events", ++_nonFinite, row.Step); break;
            case EvaluationRecord row: Scalar("validation/bits_per_char", row.BitsPerChar, row.Step); break;
            case StabilitySnapshot snapshot: Stability(snapshot); break;
            case ProbeAccuracy row: Scalar(string.Create(CultureInfo.InvariantCulture, $"probe/accuracy_lag_{row.Lag}"), row.Accuracy, row.Step); break;
        }
    }

    private void Stability(StabilitySnapshot snapshot)
    {
        var s = snapshot.Summary;
        if (s.Lyapunov.Length > 0) Scalar("stability/lyapunov1", s.Lyapunov[0], s.Step);
        Scalar("stability/memory_horizon", s.MemoryHorizon, s.Step);
        Scalar("stability/mean_jacobian_norm", s.MeanJacobianNorm, s.Step);
        Histogram("stability/jacobian_norm", snapshot.Timesteps.Select(t => t.JacobianNorm), s.Step);
        Histogram("stability/gradient_flow", snapshot.Timesteps.Where(t => t.GradNorm > 0).Select(t => Math.Log10(t.GradNorm)), s.Step);
    }

    private void Scalar(string tag, double value, int step)
    {
        if (double.IsFinite(value)) _writer.add_scalar(tag, (float)value, step);
    }

    private void Histogram(string tag, IEnumerable<double> values, int step)
    {
        double[] finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0) return;
        using var scope = NewDisposeScope();
        _writer.add_histogram(tag, tensor(finite), step);
    }
}
