using System.Net;
using System.Net.Sockets;

namespace Gateway.TestSupport;

/// <summary>Free ports on 127.0.0.1 for the real servers the tests start, or for a server that is deliberately not there.</summary>
public static class LoopbackPort
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
