using Gateway.Routing;
using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

/// <summary>Checks data annotations on <see cref="GatewayOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class GatewayOptionsAnnotationsValidator : IValidateOptions<GatewayOptions>;

/// <summary>Checks data annotations on one <see cref="StoreOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class StoreOptionsAnnotationsValidator : IValidateOptions<StoreOptions>;

/// <summary>
/// Checks the rules that span settings: each store, and each download route against the stores.
/// Every error is reported, and each names its setting, never its value.
/// </summary>
internal sealed class GatewayOptionsValidator(IConfiguration configuration) : IValidateOptions<GatewayOptions>
{
    private static readonly string[] Providers = [StoreProviders.Cos, StoreProviders.S3];

    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        builder.AddResult(new GatewayOptionsAnnotationsValidator().Validate(name, options));

        foreach (var (storeName, store) in options.Stores)
        {
            ValidateStore($"{GatewayOptions.SectionName}:Stores:{storeName}", store, builder);
        }

        if (options.Admin.Policy is { Length: > 0 } adminPolicy && !options.Policies.ContainsKey(adminPolicy))
        {
            builder.AddError("names a policy that is not configured under Gateway:Policies", $"{GatewayOptions.SectionName}:Admin:Policy");
        }

        foreach (var route in ProxyRouteSettings.Read(configuration))
        {
            foreach (var error in DownloadRouteCompiler.Validate(route, options))
            {
                builder.AddError(error, $"ReverseProxy:Routes:{route.RouteId}");
            }
        }

        return builder.Build();
    }

    private static void ValidateStore(string path, StoreOptions store, ValidateOptionsResultBuilder builder)
    {
        builder.AddResult(new StoreOptionsAnnotationsValidator().Validate(path, store));

        if (store.Provider is not null && !Providers.Contains(store.Provider, StringComparer.Ordinal))
        {
            builder.AddError($"must be one of: {string.Join(", ", Providers)}", $"{path}:Provider");
        }

        if (store.Endpoint is { } endpoint && !IsOrigin(endpoint))
        {
            builder.AddError("must be an absolute http or https URL with no path, query or user info", $"{path}:Endpoint");
        }

        if (store.PublicBaseUrl is { } publicBase && !IsOrigin(publicBase))
        {
            builder.AddError("must be an absolute http or https URL with no path, query or user info", $"{path}:PublicBaseUrl");
        }

        if (store.Credentials is { } credentials)
        {
            var hasSecret = !string.IsNullOrEmpty(credentials.SecretKey);
            var hasFile = !string.IsNullOrEmpty(credentials.SecretKeyFile);
            if (hasSecret == hasFile)
            {
                builder.AddError("needs exactly one of SecretKey (environment variable or user secrets) and SecretKeyFile", $"{path}:Credentials");
            }
            else if (hasFile && !File.Exists(credentials.SecretKeyFile))
            {
                builder.AddError("names a file that does not exist", $"{path}:Credentials:SecretKeyFile");
            }
        }
    }

    private static bool IsOrigin(Uri uri) =>
        uri.IsAbsoluteUri
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.AbsolutePath == "/"
        && uri.Query.Length == 0
        && uri.Fragment.Length == 0
        && uri.UserInfo.Length == 0;
}
