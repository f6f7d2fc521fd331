using System.Globalization;

namespace Holdfast.Core.Configuration;

/// <summary>Durations written as <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>1h30m</c>, <c>2d</c>, or plain seconds.</summary>
public static class DurationParser
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        text = text.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            value = TimeSpan.FromSeconds(seconds);
            return seconds >= 0;
        }

        var total = TimeSpan.Zero;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
                i++;
            if (start == i || !double.TryParse(text.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
                return false;
            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
                i++;
            TimeSpan? part = text[unitStart..i] switch
            {
                "ms" => TimeSpan.FromMilliseconds(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                "d" => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (part is null)
                return false;
            total += part.Value;
        }
        value = total;
        return true;
    }

    /// <summary>Formats as the shortest unit string, e.g. <c>6m0s</c> style is not used here: <c>90s</c>, <c>1500ms</c>.</summary>
    public static string Format(TimeSpan value)
    {
        if (value.Ticks % TimeSpan.TicksPerSecond != 0)
            return $"{(long)value.TotalMilliseconds}ms";
        if (value.Ticks % TimeSpan.TicksPerHour == 0 && value >= TimeSpan.FromHours(1))
            return $"{(long)value.TotalHours}h";
        if (value.Ticks % TimeSpan.TicksPerMinute == 0 && value >= TimeSpan.FromMinutes(1))
            return $"{(long)value.TotalMinutes}m";
        return $"{(long)value.TotalSeconds}s";
    }
}
