using System.Buffers;
using System.IO.Pipelines;
using Holdfast.Core.Usage;
using Holdfast.Gateway.Errors;
using Holdfast.Gateway.Metering;
using Holdfast.Gateway.OpenAi;
using Microsoft.AspNetCore.Http;

namespace Holdfast.Gateway.Forwarding;

/// <summary>
/// Passes an OpenAI event stream to the client event by event, flushing whenever the upstream has
/// nothing more buffered, so no event is held back. Reads usage from the usage chunk and drops that
/// chunk when only Holdfast asked for it. A stream that breaks ends with an in-band error event and
/// never with a clean <c>[DONE]</c>.
/// </summary>
public sealed class SseForwarder
{
    private static readonly StreamPipeReaderOptions ReaderOptions = new(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024);

    private readonly HttpContext _context;
    private readonly HttpResponseMessage _upstream;
    private readonly string _provider;
    private readonly bool _dropUsageChunk;
    private readonly long _startTimestamp;
    private readonly TimeProvider _time;
    private readonly CallCostFeature? _cost;

    private bool _started;
    private bool _sawDone;
    private bool _sawError;
    private TokenCounts? _usage;
    private TimeSpan? _timeToFirstToken;
    private long _contentEvents;

    public SseForwarder(HttpContext context, HttpResponseMessage upstream, string provider, bool dropUsageChunk, long startTimestamp, TimeProvider time)
    {
        _context = context;
        _upstream = upstream;
        _provider = provider;
        _dropUsageChunk = dropUsageChunk;
        _startTimestamp = startTimestamp;
        _time = time;
        _cost = context.Features.Get<CallCostFeature>();
    }

    public async Task<ForwardResult> ForwardAsync(long promptBytes, CancellationToken cancellationToken)
    {
        var output = _context.Response.BodyWriter;
        var stream = await _upstream.Content.ReadAsStreamAsync(cancellationToken);
        var reader = PipeReader.Create(stream, ReaderOptions);
        string? failure = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                var wrote = false;
                while (SseEvents.TryTake(ref buffer, out var rawEvent))
                    wrote |= Handle(rawEvent, output);
                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                        wrote |= Handle(buffer, output);
                    reader.AdvanceTo(buffer.End);
                    if (wrote)
                        await output.FlushAsync(cancellationToken);
                    break;
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (wrote)
                    await output.FlushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (_context.RequestAborted.IsCancellationRequested)
        {
            return Result(499, UsageOutcome.ClientClosed, promptBytes, "client closed the connection");
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
        {
            failure = "the upstream connection broke mid-stream";
        }
        finally
        {
            await reader.CompleteAsync();
        }

        if (_sawError)
            return Result(200, UsageOutcome.UpstreamError, promptBytes, "provider sent an error event mid-stream");
        if (_sawDone)
            return Result(200, UsageOutcome.Success, promptBytes, null);

        failure ??= "the upstream stream ended before [DONE]";
        if (!_started)
        {
            var error = GatewayError.BadUpstreamResponse(_provider, failure);
            await OpenAiErrorWriter.WriteAsync(_context, error);
            return Result(error.Status, UsageOutcome.UpstreamError, promptBytes, failure);
        }
        var interrupted = new GatewayError(502, "upstream_error", "stream_interrupted", $"Provider '{_provider}': {failure}.");
        output.Write("data: "u8);
        OpenAiErrorWriter.Write(output, interrupted);
        output.Write("\n\n"u8);
        try
        {
            await output.FlushAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The client is gone as well; the usage record still tells the story.
        }
        return Result(200, UsageOutcome.StreamInterrupted, promptBytes, failure);
    }

    private bool Handle(ReadOnlySequence<byte> rawEvent, PipeWriter output)
    {
        byte[]? rented = null;
        var span = rawEvent.IsSingleSegment ? rawEvent.FirstSpan : Flatten(rawEvent, out rented);
        try
        {
            var data = SseEvents.FirstData(span);
            if (data.SequenceEqual("[DONE]"u8))
            {
                _sawDone = true;
                if (_sawError)
                    return false;
            }
            else if (!data.IsEmpty && data[0] == (byte)'{')
            {
                if (OpenAiPayloadReader.MayCarryUsageOrError(data))
                {
                    var payload = OpenAiPayloadReader.Read(data);
                    _sawError |= payload.IsError;
                    if (payload.HasUsage)
                    {
                        _usage = payload.Usage;
                        if (payload.ChoicesEmpty && _cost is { CostInStream: true })
                        {
                            Start();
                            UsageChunkCost.Write(output, data, _cost.Price(payload.Usage));
                            return true;
                        }
                        if (payload.ChoicesEmpty && _dropUsageChunk)
                            return false;
                    }
                }
                _contentEvents++;
            }
            Start();
            output.Write(span);
            return true;
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void Start()
    {
        if (_started)
            return;
        _started = true;
        _timeToFirstToken = _time.GetElapsedTime(_startTimestamp);
        var response = _context.Response;
        response.StatusCode = 200;
        ResponseHeaders.Copy(_upstream, response);
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
    }

    private static ReadOnlySpan<byte> Flatten(ReadOnlySequence<byte> sequence, out byte[] rented)
    {
        rented = ArrayPool<byte>.Shared.Rent((int)sequence.Length);
        sequence.CopyTo(rented);
        return rented.AsSpan(0, (int)sequence.Length);
    }

    private ForwardResult Result(int status, UsageOutcome outcome, long promptBytes, string? error)
    {
        // Without a usage chunk the counts are estimated: ~4 bytes of prompt per token, one token per content event.
        var tokens = _usage ?? new TokenCounts(promptBytes / 4, _contentEvents, 0, Estimated: true);
        return new ForwardResult(status, outcome, tokens, _timeToFirstToken, error);
    }
}
