namespace Holdfast.Gateway.OpenAi;

/// <summary>
/// What routing and metering need from a request body, and where in the bytes it sits, read in one
/// forward pass so the body can be forwarded without being deserialised.
/// </summary>
public sealed class ChatRequestFacts
{
    public string Model { get; set; } = "";

    /// <summary>Byte range of the model string token, quotes included.</summary>
    public int ModelStart { get; set; }
    public int ModelEnd { get; set; }

    public bool Stream { get; set; }

    public bool HasStreamOptions { get; set; }

    /// <summary>Offset just after the '{' of stream_options.</summary>
    public int StreamOptionsContentStart { get; set; }
    public bool StreamOptionsEmpty { get; set; }

    /// <summary>include_usage as sent: null when absent.</summary>
    public bool? IncludeUsage { get; set; }

    /// <summary>Byte range of the include_usage value token when present.</summary>
    public int IncludeUsageStart { get; set; }
    public int IncludeUsageEnd { get; set; }

    /// <summary>max_completion_tokens, else max_tokens, when sent.</summary>
    public long? MaxTokens { get; set; }

    /// <summary>Offset of the closing '}' of the top-level object.</summary>
    public int ObjectEnd { get; set; }

    /// <summary>Whether the client asked to see the usage chunk of a stream.</summary>
    public bool ClientWantsStreamUsage => Stream && IncludeUsage == true;
}
