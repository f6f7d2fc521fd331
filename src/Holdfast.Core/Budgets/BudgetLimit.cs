using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Holdfast.Core.Pricing;

namespace Holdfast.Core.Budgets;

/// <summary>A cap in USD over a window, written <c>20/month</c>, <c>5/day</c>, <c>1.5/week</c> or <c>100</c> (total).</summary>
[JsonConverter(typeof(BudgetLimitJsonConverter))]
public sealed record BudgetLimit(decimal AmountUsd, BudgetWindow Window)
{
    public const string Format = "AMOUNT[/day|week|month|total], e.g. 20/month";

    public long AmountNanos => Usd.ToNanos(AmountUsd);

    public static bool TryParse(string? text, [NotNullWhen(true)] out BudgetLimit? limit)
    {
        limit = null;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var parts = text.Trim().TrimStart('$').Split('/', 2, StringSplitOptions.TrimEntries);
        if (!decimal.TryParse(parts[0], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) || amount < 0)
            return false;
        var window = BudgetWindow.Total;
        if (parts.Length == 2 && !TryParseWindow(parts[1], out window))
            return false;
        limit = new BudgetLimit(amount, window);
        return true;
    }

    private static bool TryParseWindow(string text, out BudgetWindow window)
    {
        window = text.ToLowerInvariant() switch
        {
            "day" or "daily" => BudgetWindow.Day,
            "week" or "weekly" => BudgetWindow.Week,
            "month" or "monthly" => BudgetWindow.Month,
            "total" => BudgetWindow.Total,
            _ => (BudgetWindow)(-1),
        };
        return Enum.IsDefined(window);
    }

    public override string ToString() =>
        AmountUsd.ToString(CultureInfo.InvariantCulture) + "/" + Window.ToString().ToLowerInvariant();
}

public sealed class BudgetLimitJsonConverter : JsonConverter<BudgetLimit>
{
    public override BudgetLimit Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Number => Encoding.GetString(reader.ValueSpan),
            _ => null,
        };
        return BudgetLimit.TryParse(text, out var limit)
            ? limit
            : throw new JsonException($"expected a budget such as 20/month ({BudgetLimit.Format})");
    }

    public override void Write(Utf8JsonWriter writer, BudgetLimit value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());

    private static System.Text.Encoding Encoding => System.Text.Encoding.UTF8;
}
