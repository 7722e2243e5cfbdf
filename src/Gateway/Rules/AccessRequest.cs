using System.Globalization;

namespace Gateway.Rules;

/// <summary>One question for the rules: may <see cref="Caller"/> do <see cref="Method"/> on this object key and request path?</summary>
internal readonly struct AccessRequest
{
    /// <summary>Creates a request; every argument except <paramref name="routeId"/> is required.</summary>
    public AccessRequest(
        string method, string objectKey, string path, string? routeId, IReadOnlyDictionary<string, object?> routeValues, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(objectKey);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(routeValues);
        ArgumentNullException.ThrowIfNull(caller);
        Method = method;
        ObjectKey = objectKey;
        Path = path;
        RouteId = routeId;
        RouteValues = routeValues;
        Caller = caller;
    }

    /// <summary>The HTTP method, upper case (<c>GET</c>, <c>HEAD</c>).</summary>
    public string Method { get; }

    /// <summary>The object key, without a leading slash (<c>tenants/acme/reports/q3.pdf</c>).</summary>
    public string ObjectKey { get; }

    /// <summary>The request path (<c>/files/acme/reports/q3.pdf</c>).</summary>
    public string Path { get; }

    /// <summary>The YARP route id, when the request matched a route.</summary>
    public string? RouteId { get; }

    /// <summary>The route values; <c>RouteValueDictionary</c> implements this.</summary>
    public IReadOnlyDictionary<string, object?> RouteValues { get; }

    /// <summary>Who is asking.</summary>
    public Caller Caller { get; }

    /// <summary>True when the constructor ran: a <c>default</c> request has no fields and must not be evaluated.</summary>
    internal bool IsComplete => Method is not null && ObjectKey is not null && Path is not null && RouteValues is not null && Caller is not null;

    /// <summary>The route value <paramref name="name"/> as text, or null when it is missing or empty (which never matches).</summary>
    internal string? GetRouteValue(string name)
    {
        if (!RouteValues.TryGetValue(name, out var value))
        {
            return null;
        }

        // Route values are strings in practice; anything else is formatted the same way on every machine.
        var text = value as string ?? Convert.ToString(value, CultureInfo.InvariantCulture);
        return string.IsNullOrEmpty(text) ? null : text;
    }
}
