using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

/// <summary>
/// Which proxies may set <c>X-Forwarded-For/Proto/Host</c>: the <c>Gateway:ForwardedHeaders</c> section.
/// With none configured the headers are ignored, so they cannot be spoofed; behind a TLS-terminating proxy,
/// list it so the OIDC callback URL keeps the public scheme and host.
/// </summary>
internal sealed record ForwardedHeadersSettings
{
    /// <summary>The configuration section these settings bind to.</summary>
    public const string SectionName = "Gateway:ForwardedHeaders";

    /// <summary>IP addresses of trusted proxies.</summary>
    public List<string> KnownProxies { get; init; } = [];

    /// <summary>Trusted proxy networks in CIDR notation, such as <c>10.0.0.0/8</c>.</summary>
    public List<string> KnownNetworks { get; init; } = [];

    /// <summary>Whether any proxy is trusted.</summary>
    public bool IsEnabled => KnownProxies.Count > 0 || KnownNetworks.Count > 0;

    /// <summary>The middleware options: only the configured proxies, none of the framework's defaults.</summary>
    public ForwardedHeadersOptions ToOptions()
    {
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost,
            ForwardLimit = 1,
        };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in KnownProxies)
        {
            options.KnownProxies.Add(IPAddress.Parse(proxy));
        }

        foreach (var network in KnownNetworks)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }

        return options;
    }
}

/// <summary>Checks that every trusted proxy and network parses.</summary>
internal sealed class ForwardedHeadersSettingsValidator : IValidateOptions<ForwardedHeadersSettings>
{
    public ValidateOptionsResult Validate(string? name, ForwardedHeadersSettings options)
    {
        var builder = new ValidateOptionsResultBuilder();
        for (var i = 0; i < options.KnownProxies.Count; i++)
        {
            if (!IPAddress.TryParse(options.KnownProxies[i], out _))
            {
                builder.AddError("is not an IP address", $"{ForwardedHeadersSettings.SectionName}:KnownProxies:{i}");
            }
        }

        for (var i = 0; i < options.KnownNetworks.Count; i++)
        {
            if (!System.Net.IPNetwork.TryParse(options.KnownNetworks[i], out _))
            {
                builder.AddError("is not a CIDR network", $"{ForwardedHeadersSettings.SectionName}:KnownNetworks:{i}");
            }
        }

        return builder.Build();
    }
}
