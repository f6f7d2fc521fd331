using System.Text.Json.Serialization;

namespace Holdfast.Storage.Sql;

[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class StorageJson : JsonSerializerContext;
