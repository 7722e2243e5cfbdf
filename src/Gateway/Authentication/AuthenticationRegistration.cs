using Gateway.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.Authentication;

/// <summary>
/// Registers JWT bearer for apps and, when <c>Authentication:Oidc:Authority</c> is set, cookie + OpenID Connect for
/// browsers, with their options validated at start-up; and adds the authentication step to the pipeline.
/// </summary>
internal static class AuthenticationRegistration
{
    // What UseAuthentication sets so that WebApplication does not add a second authentication step of its own.
    private const string AuthenticationMiddlewareSet = "__AuthenticationMiddlewareSet";

    /// <summary>Shared by every instance, so that a session cookie from one instance opens on another.</summary>
    public const string DataProtectionApplicationName = "object-storage-gateway";

    public static void AddGatewayAuthentication(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptionsWithValidateOnStart<JwtOptions>().BindConfiguration(JwtOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JwtOptions>, JwtOptionsValidator>());
        services.AddOptionsWithValidateOnStart<BrowserSignInOptions>().BindConfiguration(BrowserSignInOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BrowserSignInOptions>, BrowserSignInOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        var signIn = builder.Configuration.GetSection(BrowserSignInOptions.SectionName).Get<BrowserSignInOptions>() ?? new BrowserSignInOptions();
        var browserSignIn = signIn.Authority is not null;

        var authentication = services.AddAuthentication(options =>
            {
                options.DefaultScheme = GatewaySchemes.Authenticate;
                options.DefaultAuthenticateScheme = GatewaySchemes.Authenticate;
                options.DefaultChallengeScheme = GatewaySchemes.Challenge;
                options.DefaultForbidScheme = GatewaySchemes.Bearer;
            })
            .AddPolicyScheme(GatewaySchemes.Authenticate, displayName: null, options =>
                options.ForwardDefaultSelector = context => GatewaySchemes.SelectForAuthenticate(context, browserSignIn))
            .AddPolicyScheme(GatewaySchemes.Challenge, displayName: null, options =>
                options.ForwardDefaultSelector = context => GatewaySchemes.SelectForChallenge(context, browserSignIn))
            .AddJwtBearer();
        // The same handler, answering the tokens it accepted before from the validated-token cache.
        services.Configure<AuthenticationOptions>(options => options.SchemeMap[GatewaySchemes.Bearer].HandlerType = typeof(RememberingJwtBearerHandler));
        services.TryAddTransient<RememberingJwtBearerHandler>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<JwtBearerOptions>, ConfigureJwtBearer>());
        // After AddJwtBearer, so that it runs after the handler's own post-configuration.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<JwtBearerOptions>, ConfigureJwtBearer>());

        var dataProtection = services.AddDataProtection().SetApplicationName(DataProtectionApplicationName);
        if (signIn.Session.KeysDirectory is { Length: > 0 } keys)
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(GatewayConfigurationSources.ResolvePath(builder.Configuration, keys)));
        }

        if (browserSignIn)
        {
            authentication.AddCookie().AddOpenIdConnect();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<CookieAuthenticationOptions>, ConfigureBrowserSignIn>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<OpenIdConnectOptions>, ConfigureBrowserSignIn>());
        }
    }

    /// <summary>The framework's authentication step behind <see cref="RememberedBearerAuthentication"/>.</summary>
    public static IApplicationBuilder UseGatewayAuthentication(this IApplicationBuilder app)
    {
        app.Properties[AuthenticationMiddlewareSet] = true;
        return app.Use(next =>
        {
            var services = app.ApplicationServices;
            var framework = new AuthenticationMiddleware(next, services.GetRequiredService<IAuthenticationSchemeProvider>());
            return new RememberedBearerAuthentication(
                next,
                framework.Invoke,
                services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>(),
                services.GetService<IOptionsMonitor<OpenIdConnectOptions>>(),
                services.GetService<IClaimsTransformation>()).InvokeAsync;
        });
    }
}
