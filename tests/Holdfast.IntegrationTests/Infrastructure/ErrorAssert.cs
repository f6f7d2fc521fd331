using System.Net;
using System.Text.Json.Nodes;

namespace Holdfast.IntegrationTests.Infrastructure;

public static class ErrorAssert
{
    /// <summary>Asserts the status and the OpenAI error shape, and returns the error object.</summary>
    public static async Task<JsonObject> IsOpenAiError(HttpResponseMessage response, HttpStatusCode status, string? code = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = Assert.IsType<JsonObject>(JsonNode.Parse(text)!["error"]);
        Assert.False(string.IsNullOrWhiteSpace(error["message"]!.GetValue<string>()));
        Assert.NotNull(error["type"]);
        Assert.True(error.ContainsKey("param"));
        Assert.True(error.ContainsKey("code"));
        if (code is not null)
            Assert.Equal(code, error["code"]!.GetValue<string>());
        Assert.True(response.Headers.Contains("x-request-id"));
        return error;
    }
}
