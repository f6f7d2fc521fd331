namespace Holdfast.Core.Budgets;

/// <summary>The period a budget's limit applies to. Calendar windows start at midnight in the configured time zone.</summary>
public enum BudgetWindow
{
    Day,

    /// <summary>A calendar week, Monday to Sunday.</summary>
    Week,

    Month,

    /// <summary>Never resets.</summary>
    Total,
}
