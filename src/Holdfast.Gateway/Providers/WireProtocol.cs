namespace Holdfast.Gateway.Providers;

/// <summary>The wire format a client surface or a provider speaks.</summary>
public enum WireProtocol
{
    OpenAi,
    Anthropic,
}
