using System.ComponentModel;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;

namespace Holdfast.Core.Configuration;

/// <summary>The JSON Schema of <c>holdfast.yaml</c>, from the same contract the loader reads with.</summary>
public static class ConfigSchema
{
    public static JsonNode Generate()
    {
        var exporterOptions = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = Describe,
        };
        var schema = ConfigJson.Options.GetJsonSchemaAsNode(typeof(HoldfastConfig), exporterOptions);
        if (schema is JsonObject root)
        {
            root.Insert(0, "$schema", "https://json-schema.org/draft/2020-12/schema");
            root.Insert(1, "title", "holdfast.yaml");
        }
        return schema;
    }

    private static JsonNode Describe(JsonSchemaExporterContext context, JsonNode schema)
    {
        var type = Nullable.GetUnderlyingType(context.TypeInfo.Type) ?? context.TypeInfo.Type;
        if (type == typeof(TimeSpan))
        {
            schema = new JsonObject
            {
                ["type"] = new JsonArray("string", "number"),
                ["pattern"] = "^([0-9.]+(ms|s|m|h|d))+$|^[0-9.]+$",
            };
        }
        else if (type == typeof(Budgets.BudgetLimit))
        {
            schema = new JsonObject
            {
                ["type"] = new JsonArray("string", "number"),
                ["pattern"] = "^\\$?[0-9.]+(/(day|daily|week|weekly|month|monthly|total))?$",
            };
        }
        else if (type == typeof(string))
        {
            // Text fields use a lenient converter, which the exporter cannot see through.
            var nullable = context.PropertyInfo?.IsSetNullable ?? false;
            schema = new JsonObject { ["type"] = nullable ? new JsonArray("string", "null") : "string" };
        }
        var attributes = context.PropertyInfo?.AttributeProvider;
        var description = attributes?.GetCustomAttributes(typeof(DescriptionAttribute), inherit: true)
            .OfType<DescriptionAttribute>().FirstOrDefault()?.Description;
        if (description is not null && schema is JsonObject obj && !obj.ContainsKey("description"))
            obj.Insert(0, "description", description);
        return schema;
    }
}
