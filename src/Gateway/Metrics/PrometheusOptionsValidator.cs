using Gateway.Authorization;
using Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.Metrics;

/// <summary>Checks data annotations on <see cref="PrometheusOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class PrometheusOptionsAnnotationsValidator : IValidateOptions<PrometheusOptions>;

/// <summary>
/// Checks <c>Gateway:Metrics:Prometheus</c>: when on, the endpoint is confined to a port of its own or to a configured
/// policy, never open on the gateway's own port; the port is one the gateway does not already serve on. Each error names
/// its setting, never its value.
/// </summary>
internal sealed class PrometheusOptionsValidator(IConfiguration configuration, ConfiguredOptions<GatewayAuthorizationOptions> authorization)
    : IValidateOptions<PrometheusOptions>
{
    private const string Section = PrometheusOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, PrometheusOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        builder.AddResult(new PrometheusOptionsAnnotationsValidator().Validate(Section, options));
        if (!options.Enabled)
        {
            return builder.Build();
        }

        if (string.IsNullOrEmpty(options.ListenUrl) && string.IsNullOrEmpty(options.Policy))
        {
            builder.AddError(
                "needs ListenUrl (a port of its own) or Policy (callers a policy admits): the scrape endpoint is never open to everyone on the gateway's port",
                Section);
        }

        if (options.ListenUrl is { Length: > 0 } listenUrl)
        {
            ValidateListenUrl(listenUrl, builder);
        }

        if (options.Policy is { Length: > 0 } policy && !authorization.Current().Policies.ContainsKey(policy))
        {
            builder.AddError($"names a policy that is not configured under {GatewayAuthorizationOptions.SectionName}:Policies", $"{Section}:Policy");
        }

        return builder.Build();
    }

    private void ValidateListenUrl(string listenUrl, ValidateOptionsResultBuilder builder)
    {
        if (!Uri.TryCreate(listenUrl, UriKind.Absolute, out var url)
            || url.Scheme != Uri.UriSchemeHttp
            || url.IsDefaultPort
            || url.AbsolutePath != "/"
            || url.Query.Length > 0)
        {
            builder.AddError("must be an http URL with a host and a port of its own and no path, such as http://0.0.0.0:9464", $"{Section}:ListenUrl");
            return;
        }

        // The registration adds the scrape URL to the server's; every other one must be on another port.
        foreach (var served in ServerUrls(configuration).Where(served => served != listenUrl))
        {
            if (Uri.TryCreate(served.Replace("*", "0.0.0.0", StringComparison.Ordinal).Replace("+", "0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var other)
                && other.Port == url.Port)
            {
                builder.AddError("must use a port the gateway does not already serve on (Urls)", $"{Section}:ListenUrl");
                return;
            }
        }
    }

    /// <summary>The URLs the server listens on besides the scrape port (the host's <c>urls</c> setting).</summary>
    internal static IEnumerable<string> ServerUrls(IConfiguration configuration) =>
        (configuration[WebHostDefaults.ServerUrlsKey] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
