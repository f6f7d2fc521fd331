using System.Text;

namespace Holdfast.Core.Configuration;

/// <summary>
/// Replaces <c>${NAME}</c> and <c>${NAME:-default}</c> in a scalar; <c>$${</c> stays a literal <c>${</c>.
/// </summary>
public static class EnvSubstitution
{
    /// <returns>The substituted text, or null with <paramref name="missing"/> set when a variable is unset.</returns>
    public static string? Apply(string value, Func<string, string?> environment, out string? missing)
    {
        missing = null;
        if (!value.Contains('$', StringComparison.Ordinal))
            return value;

        var result = new StringBuilder(value.Length);
        var i = 0;
        while (i < value.Length)
        {
            if (value[i] == '$' && i + 2 < value.Length && value[i + 1] == '$' && value[i + 2] == '{')
            {
                result.Append("${");
                i += 3;
                continue;
            }
            if (value[i] == '$' && i + 1 < value.Length && value[i + 1] == '{')
            {
                var close = value.IndexOf('}', i + 2);
                if (close < 0)
                {
                    result.Append(value, i, value.Length - i);
                    break;
                }
                var expression = value[(i + 2)..close];
                var separator = expression.IndexOf(":-", StringComparison.Ordinal);
                var name = separator >= 0 ? expression[..separator] : expression;
                var fallback = separator >= 0 ? expression[(separator + 2)..] : null;
                var resolved = environment(name);
                if (string.IsNullOrEmpty(resolved))
                    resolved = fallback;
                if (resolved is null)
                {
                    missing = name;
                    return null;
                }
                result.Append(resolved);
                i = close + 1;
                continue;
            }
            result.Append(value[i]);
            i++;
        }
        return result.ToString();
    }
}
