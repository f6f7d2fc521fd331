using System.Text.Json.Serialization;

namespace Holdfast.Gateway.Budgets;

/// <summary>The webhook body of a threshold alert (Standard Webhooks event shape: type, timestamp, data).</summary>
public sealed record BudgetAlertPayload(string Type, DateTimeOffset Timestamp, BudgetAlertData Data)
{
    public const string ThresholdType = "budget.threshold";
}

public sealed record BudgetAlertData(
    string Budget, string? Name, int ThresholdPercent, decimal LimitUsd, string Window, decimal SpentUsd,
    DateTimeOffset PeriodStart, DateTimeOffset? ResetsAt);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(BudgetAlertPayload))]
public sealed partial class BudgetAlertJson : JsonSerializerContext;
