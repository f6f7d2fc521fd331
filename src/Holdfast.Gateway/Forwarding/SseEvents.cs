using System.Buffers;

namespace Holdfast.Gateway.Forwarding;

/// <summary>Splits a byte stream into server-sent events, each with its own blank-line terminator.</summary>
internal static class SseEvents
{
    /// <summary>Takes the next complete event (terminator included) off the front of <paramref name="buffer"/>.</summary>
    public static bool TryTake(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> rawEvent)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (reader.TryAdvanceTo((byte)'\n', advancePastDelimiter: true))
        {
            if (reader.IsNext((byte)'\n', advancePast: true) || reader.IsNext("\r\n"u8, advancePast: true))
            {
                rawEvent = buffer.Slice(0, reader.Position);
                buffer = buffer.Slice(reader.Position);
                return true;
            }
        }
        rawEvent = default;
        return false;
    }

    /// <summary>The value of the event's first <c>data:</c> line, without the line end.</summary>
    public static ReadOnlySpan<byte> FirstData(ReadOnlySpan<byte> rawEvent)
    {
        var start = rawEvent.StartsWith("data:"u8) ? 0 : rawEvent.IndexOf("\ndata:"u8) + 1;
        if (start < 0 || (start == 0 && !rawEvent.StartsWith("data:"u8)))
            return default;
        var value = rawEvent[(start + 5)..];
        if (!value.IsEmpty && value[0] == (byte)' ')
            value = value[1..];
        var end = value.IndexOf((byte)'\n');
        if (end >= 0)
            value = value[..end];
        if (!value.IsEmpty && value[^1] == (byte)'\r')
            value = value[..^1];
        return value;
    }
}
