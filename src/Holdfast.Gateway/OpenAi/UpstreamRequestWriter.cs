using System.Text.Json;
using Holdfast.Gateway.Http;

namespace Holdfast.Gateway.OpenAi;

/// <summary>
/// Builds the body sent upstream by splicing the client's bytes: the route name is replaced by the
/// target's model, and for streams <c>stream_options.include_usage</c> is switched on so metering always
/// gets the usage chunk. Everything else passes through byte for byte.
/// </summary>
public static class UpstreamRequestWriter
{
    private static readonly byte[] AddStreamOptions = ",\"stream_options\":{\"include_usage\":true}"u8.ToArray();
    private static readonly byte[] IncludeUsageFirst = "\"include_usage\":true,"u8.ToArray();
    private static readonly byte[] IncludeUsageOnly = "\"include_usage\":true"u8.ToArray();
    private static readonly byte[] True = "true"u8.ToArray();

    public static PooledBuffer Write(ReadOnlySpan<byte> body, ChatRequestFacts facts, string upstreamModel, bool requestStreamUsage)
    {
        var model = JsonEncodedText.Encode(upstreamModel).EncodedUtf8Bytes;
        var output = new PooledBuffer(body.Length + model.Length + AddStreamOptions.Length + 2);

        // At most two splices: the model, and one for stream options; apply them in byte order.
        Splice first = new(facts.ModelStart, facts.ModelEnd, SpliceKind.Model);
        Splice? second = requestStreamUsage && facts.Stream && facts.IncludeUsage != true ? UsageSplice(facts) : null;
        if (second is { } s && s.Start < first.Start)
            (first, second) = (s, first);

        var position = 0;
        foreach (var splice in second is null ? [first] : new[] { first, second.Value })
        {
            output.Append(body[position..splice.Start]);
            switch (splice.Kind)
            {
                case SpliceKind.Model:
                    output.Append("\""u8);
                    output.Append(model);
                    output.Append("\""u8);
                    break;
                case SpliceKind.AddStreamOptions:
                    output.Append(AddStreamOptions);
                    break;
                case SpliceKind.AddIncludeUsage:
                    output.Append(facts.StreamOptionsEmpty ? IncludeUsageOnly : IncludeUsageFirst);
                    break;
                case SpliceKind.SetIncludeUsage:
                    output.Append(True);
                    break;
            }
            position = splice.End;
        }
        output.Append(body[position..]);
        return output;
    }

    private static Splice UsageSplice(ChatRequestFacts facts)
    {
        if (!facts.HasStreamOptions)
            return new Splice(facts.ObjectEnd, facts.ObjectEnd, SpliceKind.AddStreamOptions);
        if (facts.IncludeUsage is null && facts.IncludeUsageEnd == 0)
            return new Splice(facts.StreamOptionsContentStart, facts.StreamOptionsContentStart, SpliceKind.AddIncludeUsage);
        return new Splice(facts.IncludeUsageStart, facts.IncludeUsageEnd, SpliceKind.SetIncludeUsage);
    }

    private enum SpliceKind
    {
        Model,
        AddStreamOptions,
        AddIncludeUsage,
        SetIncludeUsage,
    }

    private readonly record struct Splice(int Start, int End, SpliceKind Kind);
}
