using System.Net;
using System.Net.Sockets;
using Gateway.Rules;

namespace Gateway.RateLimiting;

/// <summary>Who a request counts against: its authenticated subject, if any, and its client address.</summary>
/// <param name="Subject">The <c>sub</c> claim of an authenticated caller, or null.</param>
/// <param name="ClientAddress">The client address; IPv6 addresses are cut to their /64, which one host usually owns whole.</param>
internal readonly record struct CallerKey(string? Subject, string ClientAddress)
{
    public static CallerKey From(HttpContext context)
    {
        return new CallerKey(Caller.Of(context).Subject, Address(context.Connection.RemoteIpAddress));
    }

    private static string Address(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
