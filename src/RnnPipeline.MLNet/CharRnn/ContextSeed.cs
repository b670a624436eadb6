using System.Reflection;
using Microsoft.ML.Runtime;

namespace RnnPipeline.MLNet.CharRnn;

/// <summary>
/// The seed an <c>MLContext</c> was created with. ML.NET keeps it on its environment behind an internal interface
/// (IHostEnvironmentInternal.Seed), with no public accessor for third-party components; it is read by name, and a
/// version of ML.NET without it reads as "no seed" (then <see cref="Options.TrainingOptions.Seed"/> applies).
/// </summary>
internal static class ContextSeed
{
    /// <summary>The environment's seed, or null when it was created without one (or it cannot be read).</summary>
    public static int? Of(IHostEnvironment environment)
    {
        const BindingFlags any = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        var type = environment.GetType();
        var property = type.GetInterfaces().Select(i => i.GetProperty("Seed", any)).FirstOrDefault(p => p?.PropertyType == typeof(int?));
        for (var t = type; property is null && t is not null; t = t.BaseType)
            property = t.GetProperty("Seed", any | BindingFlags.DeclaredOnly) is { } p && p.PropertyType == typeof(int?) ? p : null;
        return property?.GetValue(environment) as int?;
    }
}
