namespace Holdfast.Core.Budgets;

/// <summary>One window of a budget: from <see cref="Start"/> (inclusive) to <see cref="End"/> (exclusive; null for total).</summary>
public readonly record struct BudgetPeriod(DateTimeOffset Start, DateTimeOffset? End)
{
    /// <summary>The start of every total window: the beginning of the usage log.</summary>
    public static readonly DateTimeOffset Beginning = DateTimeOffset.UnixEpoch;

    public bool Contains(DateTimeOffset instant) => instant >= Start && (End is null || instant < End);

    /// <summary>The window of kind <paramref name="window"/> that holds <paramref name="instant"/>, on the calendar of <paramref name="zone"/>.</summary>
    public static BudgetPeriod At(BudgetWindow window, DateTimeOffset instant, TimeZoneInfo zone)
    {
        if (window == BudgetWindow.Total)
            return new BudgetPeriod(Beginning, null);
        var local = TimeZoneInfo.ConvertTime(instant, zone).DateTime.Date;
        var (start, end) = window switch
        {
            BudgetWindow.Day => (local, local.AddDays(1)),
            BudgetWindow.Week => WeekOf(local),
            _ => (new DateTime(local.Year, local.Month, 1), new DateTime(local.Year, local.Month, 1).AddMonths(1)),
        };
        return new BudgetPeriod(ToInstant(start, zone), ToInstant(end, zone));
    }

    private static (DateTime, DateTime) WeekOf(DateTime day)
    {
        var sinceMonday = ((int)day.DayOfWeek + 6) % 7;
        var monday = day.AddDays(-sinceMonday);
        return (monday, monday.AddDays(7));
    }

    /// <summary>Local midnight as an instant. Where midnight does not exist (a DST gap), the window starts when the day does.</summary>
    private static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(unspecified))
            unspecified = unspecified.AddMinutes(15);
        var offset = zone.IsAmbiguousTime(unspecified) ? zone.GetAmbiguousTimeOffsets(unspecified).Max() : zone.GetUtcOffset(unspecified);
        return new DateTimeOffset(unspecified, offset);
    }
}
