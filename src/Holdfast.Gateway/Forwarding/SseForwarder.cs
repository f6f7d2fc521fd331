using System.Buffers;
using System.IO.Pipelines;
using Holdfast.Core.Configuration;
using Holdfast.Core.Usage;
using Holdfast.Gateway.Errors;
using Holdfast.Gateway.Http;
using Holdfast.Gateway.Metering;
using Holdfast.Gateway.OpenAi;
using Holdfast.Gateway.Routing;
using Microsoft.AspNetCore.Http;

namespace Holdfast.Gateway.Forwarding;

/// <summary>
/// Passes an OpenAI event stream to the client event by event.
/// <para>
/// Until the first content arrives the stream is held back (at most <c>stream_hold</c> events,
/// bytes and time): an upstream that breaks, sends an error or invalid JSON in that phase has sent
/// the client nothing, so the attempt fails and another target answers unseen. From the first
/// content on (or once the hold's bounds are reached) every event is forwarded as it arrives,
/// flushing whenever the upstream has nothing more buffered.
/// </para>
/// Reads usage from the usage chunk and drops that chunk when only Holdfast asked for it. A stream
/// that breaks after it reached the client ends with an in-band error event, never a clean <c>[DONE]</c>.
/// </summary>
public sealed class SseForwarder : IDisposable
{
    private static readonly StreamPipeReaderOptions ReaderOptions = new(bufferSize: 16 * 1024, minimumReadSize: 4 * 1024);

    private readonly HttpContext _context;
    private readonly HttpResponseMessage _upstream;
    private readonly string _provider;
    private readonly bool _dropUsageChunk;
    private readonly long _startTimestamp;
    private readonly TimeProvider _time;
    private readonly StreamHoldConfig _hold;
    private readonly ResponseCapture? _capture;
    private readonly CallCostFeature? _cost;

    private bool _started;
    private bool _sawDone;
    private bool _sawError;
    private TokenCounts? _usage;
    private TimeSpan? _timeToFirstToken;
    private long _contentEvents;

    private PooledBuffer? _held;
    private int _heldEvents;
    private bool _commitNow;
    private string? _holdFailure;

    public SseForwarder(
        HttpContext context, HttpResponseMessage upstream, string provider, bool dropUsageChunk, long startTimestamp, TimeProvider time,
        StreamHoldConfig hold, ResponseCapture? capture)
    {
        _context = context;
        _upstream = upstream;
        _provider = provider;
        _dropUsageChunk = dropUsageChunk;
        _startTimestamp = startTimestamp;
        _time = time;
        _hold = hold;
        _capture = capture;
        _cost = context.Features.Get<CallCostFeature>();
    }

    private bool Holding => _held is not null;

    public void Dispose() => _held?.Dispose();

    public async Task<AttemptOutcome> ForwardAsync(long promptBytes, CancellationToken cancellationToken)
    {
        var output = _context.Response.BodyWriter;
        Stream stream;
        try
        {
            stream = await _upstream.Content.ReadAsStreamAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
        {
            return _context.RequestAborted.IsCancellationRequested ? AttemptOutcome.ClientClosed : Failed("the connection broke before the stream began");
        }
        var reader = PipeReader.Create(stream, ReaderOptions);
        if (_hold.Chunks > 0 && _hold.Bytes > 0 && _hold.Time > TimeSpan.Zero)
            _held = new PooledBuffer(4096);
        using var holdTimer = Holding ? new CancellationTokenSource() : null;
        var holdExpired = holdTimer is null ? null : Task.Delay(_hold.Time, _time, holdTimer.Token);
        string? failure = null;
        var timedOut = false;
        try
        {
            while (true)
            {
                var pending = reader.ReadAsync(cancellationToken);
                ReadResult result;
                if (Holding && !pending.IsCompleted)
                {
                    var read = pending.AsTask();
                    if (await Task.WhenAny(read, holdExpired!) != read)
                        await CommitAsync(output, cancellationToken);
                    result = await read;
                }
                else
                {
                    result = await pending;
                }
                var buffer = result.Buffer;
                var wrote = false;
                while (SseEvents.TryTake(ref buffer, out var rawEvent))
                    wrote |= Handle(rawEvent, output);
                if (result.IsCompleted && !buffer.IsEmpty)
                {
                    wrote |= Handle(buffer, output);
                    buffer = buffer.Slice(buffer.End);
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (_holdFailure is not null)
                    return Failed(_holdFailure);
                if (Holding && (_heldEvents >= _hold.Chunks || _held!.Length >= _hold.Bytes))
                    await CommitAsync(output, cancellationToken);
                else if (wrote && !Holding)
                    await output.FlushAsync(cancellationToken);
                if (result.IsCompleted)
                    break;
            }
        }
        catch (OperationCanceledException) when (_context.RequestAborted.IsCancellationRequested)
        {
            return AttemptOutcome.ClientClosed;
        }
        catch (OperationCanceledException)
        {
            failure = "the stream took longer than the attempt's total timeout";
            timedOut = true;
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            failure = "the upstream connection broke mid-stream";
        }
        finally
        {
            if (holdTimer is not null)
                await holdTimer.CancelAsync();
            await reader.CompleteAsync();
        }

        if (Holding)
            return Failed(failure ?? "the stream ended before any content", timedOut ? FailureKind.Timeout : FailureKind.Malformed);
        if (_sawError)
            return Delivered(UsageOutcome.UpstreamError, promptBytes, "provider sent an error event mid-stream");
        if (_sawDone)
            return Delivered(UsageOutcome.Success, promptBytes, null);

        failure ??= "the upstream stream ended before [DONE]";
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
        return Delivered(UsageOutcome.StreamInterrupted, promptBytes, failure);
    }

    /// <summary>Sends what was held back, with the response headers, and forwards from here on.</summary>
    private async ValueTask CommitAsync(PipeWriter output, CancellationToken cancellationToken)
    {
        Commit(output);
        await output.FlushAsync(cancellationToken);
    }

    private void Commit(PipeWriter output)
    {
        using var held = _held!;
        _held = null;
        Start();
        output.Write(held.Span);
    }

    /// <returns>Whether something was written to the client.</returns>
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
                _commitNow = true;
                if (_sawError)
                    return false;
            }
            else if (!data.IsEmpty && data[0] == (byte)'{')
            {
                if (Holding && !Inspect(data))
                    return false;
                if (OpenAiPayloadReader.MayCarryUsageOrError(data))
                {
                    var payload = OpenAiPayloadReader.Read(data);
                    _sawError |= payload.IsError;
                    if (payload.HasUsage)
                    {
                        _usage = payload.Usage;
                        if (payload.ChoicesEmpty && _cost is { CostInStream: true })
                        {
                            // The chunk is rewritten with the call's cost; a held stream is let go first.
                            if (Holding)
                                Commit(output);
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
            else if (Holding && !data.IsEmpty)
            {
                _holdFailure = "the stream sent data that is not JSON";
                return false;
            }
            _capture?.Append(span);
            if (Holding)
            {
                _held!.Append(span);
                _heldEvents++;
                if (!_commitNow)
                    return false;
                // The first content is here: later events of the same read pass straight through.
                Commit(output);
                return true;
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

    /// <summary>While holding: notes the first content, and refuses errors and invalid JSON (so another target can answer).</summary>
    private bool Inspect(ReadOnlySpan<byte> data)
    {
        switch (OpenAiChunkReader.Classify(data))
        {
            case ChunkKind.Content:
                _commitNow = true;
                return true;
            case ChunkKind.Empty:
                return true;
            case ChunkKind.Error:
                _holdFailure = "the stream sent an error before any content";
                return false;
            default:
                _holdFailure = "the stream sent a chunk that is not valid JSON";
                return false;
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

    private AttemptOutcome Failed(string detail, FailureKind kind = FailureKind.Malformed) =>
        AttemptOutcome.Failed(new AttemptFailure(kind, kind == FailureKind.Timeout
            ? GatewayError.Timeout(_provider)
            : GatewayError.BadUpstreamResponse(_provider, detail)));

    private AttemptOutcome Delivered(UsageOutcome outcome, long promptBytes, string? error)
    {
        // Without a usage chunk the counts are estimated: ~4 bytes of prompt per token, one token per content event.
        var tokens = _usage ?? new TokenCounts(promptBytes / 4, _contentEvents, 0, Estimated: true);
        return AttemptOutcome.Delivered(new ForwardResult(200, outcome, tokens, _timeToFirstToken, error));
    }
}
