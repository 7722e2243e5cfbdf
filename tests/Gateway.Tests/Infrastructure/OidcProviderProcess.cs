using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Gateway.TestSupport;

namespace Gateway.Tests.Infrastructure;

/// <summary>Settings of <see cref="OidcProviderProcess"/> beyond the redirect URIs; the defaults suit the gateway's tests.</summary>
internal sealed record OidcProviderOptions
{
    /// <summary>The one public client (no secret, authorization code with PKCE S256, no refresh tokens).</summary>
    public string ClientId { get; init; } = OidcProviderProcess.DefaultClientId;

    /// <summary>
    /// Accept the registered http loopback redirect URIs (127.0.0.1, localhost, [::1]) on any port, so the gateway's
    /// port need not be known when the provider starts. Scheme, host, path and query must still match exactly.
    /// </summary>
    public bool AllowLoopbackRedirects { get; init; } = true;

    public TimeSpan? AccessTokenLifetime { get; init; }

    public TimeSpan? IdTokenLifetime { get; init; }

    public TimeSpan? SessionLifetime { get; init; }
}

/// <summary>
/// A real OpenID Provider (npm oidc-provider 9.x, tests/tools/oidc/server.mjs) on 127.0.0.1 with the development login and
/// consent forms and the test users alice, bob and carol; started from the committed npm lock file and stopped by process id.
/// </summary>
internal sealed class OidcProviderProcess : IAsyncDisposable
{
    public const string DefaultClientId = "gateway";

    /// <summary>ASP.NET Core's default callback paths on 127.0.0.1 and localhost; with loopback redirects allowed they match any port.</summary>
    public static readonly IReadOnlyList<string> DefaultRedirectUris = ["http://127.0.0.1/signin-oidc", "http://localhost/signin-oidc"];

    /// <summary>ASP.NET Core's default sign-out callback paths on 127.0.0.1 and localhost, matching any port likewise.</summary>
    public static readonly IReadOnlyList<string> DefaultPostLogoutRedirectUris = ["http://127.0.0.1/signout-callback-oidc", "http://localhost/signout-callback-oidc"];

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private OidcProviderProcess(Process process, ConcurrentQueue<string> output, Uri issuer, string clientId)
    {
        _process = process;
        _output = output;
        Issuer = issuer;
        ClientId = clientId;
    }

    /// <summary>The issuer, also the authority for ASP.NET Core's OpenIdConnect handler (which then needs RequireHttpsMetadata=false).</summary>
    public Uri Issuer { get; }

    public string ClientId { get; }

    public Uri DiscoveryDocument => new(Issuer, "/.well-known/openid-configuration");

    /// <summary>What the provider has printed so far, for failure messages.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    private static string Script => Path.Combine(Repository.Root, "tests", "tools", "oidc", "server.mjs");

    private static string Package => Path.Combine(Repository.Root, "tests", "tools", "node_modules", "oidc-provider", "package.json");

    /// <summary>Starts the provider with the default redirect URIs, which match any loopback port.</summary>
    public static Task<OidcProviderProcess> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync(DefaultRedirectUris, DefaultPostLogoutRedirectUris, options: null, cancellationToken);

    /// <summary>Starts the provider on a free port and returns once its discovery document answers 200.</summary>
    public static async Task<OidcProviderProcess> StartAsync(
        IEnumerable<string> redirectUris,
        IEnumerable<string> postLogoutRedirectUris,
        OidcProviderOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(redirectUris);
        ArgumentNullException.ThrowIfNull(postLogoutRedirectUris);
        options ??= new OidcProviderOptions();
        if (!File.Exists(Package))
        {
            throw new InvalidOperationException("oidc-provider is not installed: run 'npm ci' in tests/tools (test.sh does).");
        }

        var port = LoopbackPort.Free();
        var issuer = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { Script },
            WorkingDirectory = Path.GetDirectoryName(Script)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["OIDC_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["OIDC_ISSUER"] = issuer.GetLeftPart(UriPartial.Authority);
        start.Environment["OIDC_CLIENT_ID"] = options.ClientId;
        start.Environment["OIDC_REDIRECT_URIS"] = string.Join(',', redirectUris);
        start.Environment["OIDC_POST_LOGOUT_REDIRECT_URIS"] = string.Join(',', postLogoutRedirectUris);
        start.Environment["OIDC_ALLOW_LOOPBACK_REDIRECTS"] = options.AllowLoopbackRedirects ? "1" : "0";
        SetSeconds(start, "OIDC_ACCESS_TOKEN_TTL", options.AccessTokenLifetime);
        SetSeconds(start, "OIDC_ID_TOKEN_TTL", options.IdTokenLifetime);
        SetSeconds(start, "OIDC_SESSION_TTL", options.SessionLifetime);

        var output = new ConcurrentQueue<string>();
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        process.OutputDataReceived += (_, e) => Collect(output, e.Data);
        process.ErrorDataReceived += (_, e) => Collect(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var provider = new OidcProviderProcess(process, output, issuer, options.ClientId);
        try
        {
            await provider.WaitUntilReadyAsync(cancellationToken);
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }

        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }

        _process.Dispose();
    }

    private static void Collect(ConcurrentQueue<string> output, string? line)
    {
        if (line is not null && output.Count < 1000)
        {
            output.Enqueue(line);
        }
    }

    private static void SetSeconds(ProcessStartInfo start, string name, TimeSpan? value)
    {
        if (value is { } lifetime)
        {
            start.Environment[name] = Math.Max(1, (long)Math.Ceiling(lifetime.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                // Let the output readers drain before reporting.
                await _process.WaitForExitAsync(cancellationToken);
                throw new InvalidOperationException($"oidc-provider exited with code {_process.ExitCode}:{Environment.NewLine}{Output}");
            }

            try
            {
                using var response = await client.GetAsync(DiscoveryDocument, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"oidc-provider did not answer {DiscoveryDocument} within {StartTimeout.TotalSeconds} seconds:{Environment.NewLine}{Output}");
    }
}

/// <summary>One provider for a test class (or collection), with the default redirect URIs that match any loopback port.</summary>
public sealed class OidcProviderFixture : IAsyncLifetime
{
    private OidcProviderProcess? _provider;

    internal OidcProviderProcess Provider => _provider ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => _provider = await OidcProviderProcess.StartAsync();

    public async Task DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
    }
}
