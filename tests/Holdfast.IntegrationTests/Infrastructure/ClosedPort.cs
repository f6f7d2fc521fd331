using System.Net;
using System.Net.Sockets;

namespace Holdfast.IntegrationTests.Infrastructure;

/// <summary>
/// A loopback port that refuses every connection: bound but never listening, so no other test can
/// take it while this exists.
/// </summary>
public sealed class ClosedPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public ClosedPort()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    }

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    public void Dispose() => _socket.Dispose();
}
