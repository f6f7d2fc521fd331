using System.Net;
using System.Net.Sockets;

namespace Holdfast.IntegrationTests.Infrastructure;

/// <summary>
/// A loopback port where a new connection never completes: it listens with a full accept queue and
/// never accepts, so the kernel drops further handshakes and a client's connect just waits.
/// </summary>
public sealed class BlackholePort : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly List<Socket> _fillers = [];

    private BlackholePort()
    {
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public static async Task<BlackholePort> StartAsync()
    {
        var port = new BlackholePort();
        port._listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        port._listener.Listen(0);
        // Fill the queue until a connect no longer completes.
        for (var i = 0; i < 16; i++)
        {
            var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            port._fillers.Add(filler);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            try
            {
                await filler.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port.Port), timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return port;
            }
        }
        port.Dispose();
        throw new InvalidOperationException("The accept queue never filled up.");
    }

    public void Dispose()
    {
        foreach (var filler in _fillers)
            filler.Dispose();
        _listener.Dispose();
    }
}
