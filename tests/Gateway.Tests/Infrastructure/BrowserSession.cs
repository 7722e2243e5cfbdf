using Microsoft.Playwright;

namespace Gateway.Tests.Infrastructure;

/// <summary>
/// One headless Debian Chromium per test collection, driven by Playwright's bundled driver (never 'playwright install').
/// Each test opens its own <see cref="BrowserSession"/>: a fresh context, so no cookies or storage are shared between tests.
/// Chromium and the driver get a temporary HOME, so nothing is written to the real home directory.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>The launch flags: no sandbox (tests may run as root), no GPU, and no traffic to Google's services.</summary>
    public static readonly IReadOnlyList<string> ChromiumArgs =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        // Every host but the loopback ones fails to resolve at once, so pages that ask for web fonts or the like
        // (the provider's development forms do) never wait on the closed network.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, EXCLUDE [::1]",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private string? _home;

    internal IBrowser Browser => _browser ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at {ChromiumPath}: run test.sh, which installs chromium (Debian package 'chromium').");
        }

        _home = Directory.CreateTempSubdirectory("browser-home-").FullName;
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            environment[(string)variable.Key] = (string?)variable.Value ?? string.Empty;
        }

        environment["HOME"] = _home;
        environment["XDG_CONFIG_HOME"] = Path.Combine(_home, ".config");
        environment["XDG_CACHE_HOME"] = Path.Combine(_home, ".cache");
        environment["XDG_DATA_HOME"] = Path.Combine(_home, ".local", "share");

        try
        {
            _playwright = await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ChromiumArgs,
                Env = environment,
                Timeout = 30_000,
            });
        }
        catch (PlaywrightException e)
        {
            throw new InvalidOperationException($"Playwright could not start {ChromiumPath}: {e.Message}", e);
        }
    }

    /// <summary>A new, empty browser context with one page, for one test.</summary>
    internal async Task<BrowserSession> NewSessionAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-US" });
        // Generous: the suite runs browser flows beside other real servers on a 2-core machine.
        context.SetDefaultTimeout(30_000);
        context.SetDefaultNavigationTimeout(30_000);
        var page = await context.NewPageAsync();
        return new BrowserSession(context, page);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_home is not null)
        {
            try
            {
                Directory.Delete(_home, recursive: true);
            }
            catch (IOException)
            {
                // A browser helper still holding a file; the temp folder is cleaned up by the system.
            }
        }
    }
}

/// <summary>One test's browser: its own context (cookies, storage) and a page in it. Dispose closes the context.</summary>
internal sealed class BrowserSession : IAsyncDisposable
{
    public BrowserSession(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>Signs in on the provider's development login form, which accepts any login name and any password.</summary>
    public async Task SignInAsync(string login, string password = "any password")
    {
        await Page.Locator("input[name=login]").FillAsync(login);
        await Page.Locator("input[name=password]").FillAsync(password);
        await Page.Locator("form:has(input[name=prompt][value=login]) button[type=submit]").ClickAsync();
    }

    /// <summary>Confirms the provider's development consent form (shown once per user, client and set of scopes).</summary>
    public Task ConsentAsync() =>
        Page.Locator("form:has(input[name=prompt][value=consent]) button[type=submit]").ClickAsync();

    /// <summary>Confirms the provider's sign-out question (RP-initiated logout).</summary>
    public Task ConfirmSignOutAsync() => Page.Locator("button[name=logout][value=yes]").ClickAsync();

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}

/// <summary>The collection of tests that share one browser.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
