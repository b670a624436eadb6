using System.Reflection;
using System.Reflection.Emit;
using RnnPipeline.Training;
using TorchSharp;

namespace RnnPipeline.Tests.Training;

/// <summary>
/// Every <c>Scalar</c> this library hands to TorchSharp is its own and alive for the call (see <see cref="OwnedScalars"/>):
/// a temporary Scalar, made by an implicit conversion at the call site or hidden inside a TorchSharp overload (the alpha
/// of <c>add(Tensor)</c>, the <c>1</c> of <c>1 - t</c>), can be finalized by a collection on another thread while libtorch
/// reads it. Checked in the compiled code: the IL of every method of RnnPipeline.Training, and of the TorchSharp methods it
/// calls (a few calls deep), may create a Scalar only inside <see cref="OwnedScalars"/>.
/// </summary>
public sealed class ScalarOwnershipTests
{
    /// <summary>How deep into TorchSharp the calls are followed (an overload calling an overload calling a native method).</summary>
    private const int Depth = 4;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    [Fact]
    public void TrainingAssembly_HandsTorchSharpNoTemporaryScalar()
    {
        var problems = new List<string>();
        var hidden = new Dictionary<MethodBase, string?>();
        foreach (var method in MethodsOf(typeof(TorchRuntime).Assembly))
        {
            if (IsInside(method.DeclaringType, typeof(OwnedScalars))) continue;
            foreach (var callee in Calls(method))
            {
                string where = $"{method.DeclaringType!.FullName}.{method.Name}";
                if (CreatesScalar(callee)) problems.Add($"{where} makes a temporary Scalar ({Describe(callee)})");
                else if (callee.DeclaringType?.Assembly == typeof(torch).Assembly && HiddenScalar(callee, Depth, hidden) is { } path)
                    problems.Add($"{where} calls {Describe(callee)}, which makes a temporary Scalar ({path})");
            }
        }
        Assert.True(problems.Count == 0, "use OwnedScalars instead:\n" + string.Join("\n", problems.Distinct()));
    }

    [Fact]
    public void Scanner_FindsTheHiddenAlphaOfAdd()
    {
        var add = typeof(torch.Tensor).GetMethod(nameof(torch.Tensor.add), [typeof(torch.Tensor)])!;
        var addWithAlpha = typeof(torch.Tensor).GetMethod(nameof(torch.Tensor.add), [typeof(torch.Tensor), typeof(Scalar)])!;
        Assert.NotNull(HiddenScalar(add, Depth, []));
        Assert.Null(HiddenScalar(addWithAlpha, Depth, []));
    }

    /// <summary>Whether calling <paramref name="method"/> itself creates a Scalar (a conversion, a factory or the constructor).</summary>
    private static bool CreatesScalar(MethodBase method) =>
        method.DeclaringType?.Assembly == typeof(torch).Assembly
        && (method is ConstructorInfo && method.DeclaringType == typeof(Scalar)
            || method is MethodInfo info && info.ReturnType == typeof(Scalar) && method.IsStatic);

    /// <summary>The call path inside TorchSharp by which <paramref name="method"/> creates a Scalar, or null.</summary>
    private static string? HiddenScalar(MethodBase method, int depth, Dictionary<MethodBase, string?> known)
    {
        if (known.TryGetValue(method, out var path)) return path;
        known[method] = null;                                                    // recursion guard
        foreach (var callee in Calls(method))
        {
            if (CreatesScalar(callee)) return known[method] = $"{Describe(method)} → {Describe(callee)}";
            if (depth > 1 && callee.DeclaringType?.Assembly == typeof(torch).Assembly
                && HiddenScalar(callee, depth - 1, known) is { } inner)
                return known[method] = $"{Describe(method)} → {inner}";
        }
        return null;
    }

    private static bool IsInside(Type? type, Type outer)
    {
        for (; type is not null; type = type.DeclaringType)
            if (type == outer) return true;
        return false;
    }

    private static string Describe(MethodBase m) =>
        $"{m.DeclaringType?.Name}.{m.Name}({string.Join(", ", m.GetParameters().Select(p => p.ParameterType.Name))})";

    private static IEnumerable<MethodBase> MethodsOf(Assembly assembly)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in assembly.GetTypes())
        {
            foreach (var m in type.GetMethods(all)) yield return m;
            foreach (var c in type.GetConstructors(all)) yield return c;
        }
    }

    /// <summary>The methods that <paramref name="method"/>'s IL calls (call, callvirt, newobj, ldftn).</summary>
    private static IEnumerable<MethodBase> Calls(MethodBase method)
    {
        byte[]? il;
        try { il = method.GetMethodBody()?.GetILAsByteArray(); }
        catch (Exception e) when (e is InvalidOperationException or BadImageFormatException) { yield break; }
        if (il is null) yield break;
        var typeArguments = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
        var methodArguments = method is MethodInfo { IsGenericMethod: true } g ? g.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            var op = OpCodesByValue[value];
            i += op.Size;
            int operandStart = i;
            i += op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
            if (op.OperandType != OperandType.InlineMethod) continue;
            MethodBase? callee;
            try { callee = method.Module.ResolveMethod(BitConverter.ToInt32(il, operandStart), typeArguments, methodArguments); }
            catch (Exception e) when (e is ArgumentException or BadImageFormatException or TypeLoadException) { continue; }
            if (callee is not null) yield return callee;
        }
    }
}
