using System.Text.Json;
using System.Text.Json.Serialization;

namespace RnnPipeline.Worker.Suites;

/// <summary>
/// Enums in suite files by name only: one declared name (case-insensitive), never a number and never a comma-separated
/// flag combination such as <c>"Norm,Value"</c>, which the standard converter would accept as an undeclared value.
/// </summary>
internal sealed class StrictEnumConverter : JsonConverterFactory
{
    /// <inheritdoc/>
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    /// <inheritdoc/>
    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert))!;

    private sealed class Converter<T> : JsonConverter<T> where T : struct, Enum
    {
        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                string? text = reader.GetString();
                foreach (string name in Enum.GetNames<T>())
                    if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase)) return Enum.Parse<T>(name);
            }
            throw new JsonException();   // the serializer adds the path; JsonErrors names the choices
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
    }
}
