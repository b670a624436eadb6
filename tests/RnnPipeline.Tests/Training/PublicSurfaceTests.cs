using System.Reflection;
using RnnPipeline.Training;

namespace RnnPipeline.Tests.Training;

/// <summary>
/// Library users reach tensors only through the public entry points, each of which runs its tensor work through
/// <see cref="TorchGuard"/>: no public type of the Training assembly may show a TorchSharp type (a parameter, a return
/// value, a property, a field or a base type), or its callers would hold tensors outside the guard.
/// </summary>
public sealed class PublicSurfaceTests
{
    private static readonly Assembly Torch = typeof(TorchSharp.torch.Tensor).Assembly;

    [Fact]
    public void TrainingAssembly_NoPublicMemberShowsATorchSharpType()
    {
        var leaks = Leaks(typeof(TrainingSession).Assembly).ToArray();
        Assert.True(leaks.Length == 0, "public members that show TorchSharp types (make them internal):\n" + string.Join("\n", leaks));
    }

    [Fact]
    public void Leaks_APublicTypeWithATensorMember_IsFound() =>
        Assert.Contains(Leaks(typeof(PublicSurfaceTests).Assembly), leak => leak.Contains(nameof(ShowsATensor)));

    /// <summary>A public type that shows a tensor, so the check can be seen to fail.</summary>
    public sealed class ShowsATensor
    {
        public TorchSharp.torch.Tensor? Value { get; set; }
    }

    private static IEnumerable<string> Leaks(Assembly assembly)
    {
        const BindingFlags Visible = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in assembly.GetExportedTypes())
        {
            if (ShowsTorch(type.BaseType)) yield return $"{type.FullName} : {type.BaseType}";
            foreach (var member in type.GetMembers(Visible))
            {
                var shown = member switch
                {
                    MethodBase m => m.GetParameters().Select(p => p.ParameterType).Append(m is MethodInfo mi ? mi.ReturnType : typeof(void)),
                    PropertyInfo p => [p.PropertyType],
                    FieldInfo f => [f.FieldType],
                    EventInfo e => [e.EventHandlerType!],
                    _ => [],
                };
                if (shown.Any(ShowsTorch)) yield return $"{type.FullName}.{member.Name}";
            }
        }
    }

    /// <summary>Whether <paramref name="type"/> is, contains (array, generic argument, tuple) or derives from a TorchSharp type.</summary>
    private static bool ShowsTorch(Type? type)
    {
        if (type is null) return false;
        if (type.HasElementType) return ShowsTorch(type.GetElementType());
        if (type.Assembly == Torch) return true;
        return (type.IsGenericType && type.GetGenericArguments().Any(ShowsTorch)) || (type.BaseType != typeof(object) && ShowsTorch(type.BaseType));
    }
}
