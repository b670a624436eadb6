using System.ComponentModel.DataAnnotations;

namespace RnnPipeline.Options;

/// <summary>Declares that a string names a folder (see <see cref="FolderName"/>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FolderNameAttribute : ValidationAttribute
{
    /// <summary>Creates the attribute with the rule as its message.</summary>
    public FolderNameAttribute() : base(FolderName.Rule) { }

    /// <inheritdoc/>
    public override bool IsValid(object? value) => value is null || (value is string s && FolderName.IsValid(s));
}
