using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace Gateway.Hosting;

/// <summary>
/// Finds an address the server cannot listen on because another process holds it, before the gateway builds and logs
/// anything, so that a person sees that first. Kestrel still binds for real later; this only moves the same failure
/// to the front, worded as Kestrel words it, and it looks only at the plain <c>urls</c> setting.
/// </summary>
internal static class ListenAddresses
{
    /// <summary>Throws Kestrel's <see cref="IOException"/> (with an <see cref="AddressInUseException"/>) for the first configured address in use.</summary>
    public static void ThrowIfInUse(IConfiguration configuration)
    {
        if (configuration[WebHostDefaults.ServerUrlsKey] is not { Length: > 0 } urls)
        {
            return;
        }

        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (EndPointOf(url) is { } endPoint && InUse(endPoint))
            {
                throw new IOException($"Failed to bind to address {url}: address already in use.", new AddressInUseException("Address already in use"));
            }
        }
    }

    private static IPEndPoint? EndPointOf(string url)
    {
        BindingAddress address;
        try
        {
            address = BindingAddress.Parse(url);
        }
        catch (FormatException)
        {
            return null; // Kestrel reports it.
        }

        if (address.IsUnixPipe || address.Port == 0)
        {
            return null;
        }

        var host = address.Host;
        var ip = host is "+" or "*" ? IPAddress.Any
            : string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
            : IPAddress.TryParse(host.Trim('[', ']'), out var parsed) ? parsed
            : null;
        return ip is null ? null : new IPEndPoint(ip, address.Port);
    }

    private static bool InUse(IPEndPoint endPoint)
    {
        using var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endPoint);
            return false;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return true;
        }
        catch (SocketException)
        {
            return false; // Not ours to judge (no such address here, no permission): Kestrel says what it finds.
        }
    }
}
