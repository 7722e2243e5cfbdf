using System.Diagnostics;
using System.Text;
using Gateway.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Tests.Hardening;

/// <summary>
/// Hostile input against the real gateway, one case per row, each with the one safe answer expected: exact status,
/// never a 5xx, a redirect only into the configured store under the route's key prefix, and no secret in any answer.
/// Requests go over a plain socket, so every byte of the path and headers arrives as written.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class BadInputTests(GatewayFixture fixture)
{
    private const string Q3 = "/files/acme/reports/q3.pdf";

    // Built on first use, not at discovery, so the tokens in it are fresh when the cases run.
    private static readonly Lazy<Dictionary<string, BadInputCase>> Table = new(() => Cases().ToDictionary(c => c.Name, StringComparer.Ordinal));

    public static TheoryData<string> Names() => [.. Cases().Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Request_BadInput_AnswersExactlyTheSafeResult(string name)
    {
        var @case = Table.Value[name];

        var exchange = await RawHttp.SendAsync(fixture.Gateway.Address, @case.ToRequest(fixture.Gateway.Address), @case.Method);

        SafeAnswer.Check(@case, exchange, fixture.S3rver.Endpoint);
    }

    /// <summary>
    /// What the gateway exports about hostile requests holds none of their secrets. The fixture scans everything at
    /// the end of the run as well; this names the failure at once.
    /// </summary>
    [Fact]
    public async Task Telemetry_AfterHostileTokensAndCookies_HoldsNoSecret()
    {
        var claims = new Dictionary<string, object> { ["sub"] = "alice", ["tenant"] = "acme", ["scope"] = "storage:read" };
        var valid = TestTokens.Create(claims);
        var path = $"/files/acme/telemetry-{Guid.NewGuid():N}";
        BadInputCase[] cases =
        [
            new("a valid token", 302) { Target = path + "-valid", Token = valid },
            new("a garbage token", 401) { Target = path + "-garbage", Token = SecretScan.Canary("garbage-token") },
            new("alg=none", 401) { Target = path + "-none", Token = Jwt.Unsigned("none", claims) },
            new("a 20 KB token", 401) { Target = path + "-large", Token = Jwt.Signed(claims, new() { ["pad"] = new string('a', 20_000) }, key: new byte[32]) },
            new("a valid token in the query", 401) { Target = path + "-query?access_token=" + valid },
            new("Basic credentials", 401) { Target = path + "-basic", Headers = ["Authorization: Basic YWxpY2U6c2VjcmV0"] },
        ];
        foreach (var @case in cases)
        {
            var exchange = await RawHttp.SendAsync(fixture.Gateway.Address, @case.ToRequest(fixture.Gateway.Address));
            Assert.Equal(@case.Status, Assert.Single(exchange.Responses).Status);
        }

        // Each request's audit record carries its path: once every path has arrived, so has the rest of its record.
        var paths = cases.Select(c => c.Target.Split('?')[0]).ToList();
        var clock = Stopwatch.StartNew();
        while (!paths.All(SecretScan.Exported(fixture.Collector).Contains) && clock.Elapsed < RawHttp.Timeout)
        {
            await Task.Delay(100);
        }

        var exported = SecretScan.Exported(fixture.Collector);
        Assert.All(paths, p => Assert.Contains(p, exported, StringComparison.Ordinal));
        SecretScan.AssertClean(exported, [valid, .. cases.Select(c => c.Token).OfType<string>(), "YWxpY2U6c2VjcmV0", SafeAnswer.SessionCookieValue]);
    }

    private static SignedTarget Acme(string key) => new(StoreEndpoint.S3, "tenants/acme/", key);

    private static IEnumerable<BadInputCase> Cases()
    {
        var alice = TestTokens.For("alice", "acme");
        return
        [
            .. Traversal(alice),
            .. OpenRedirects(alice),
            .. SignOut(),
            .. DownloadOptions(alice),
            .. BatchLinks(alice),
            .. Pages(),
            .. Methods(alice),
            .. Tokens(),
            .. Limits(alice),
        ];
    }

    /// <summary>
    /// Encoded traversal in the tenant segment and in the key. Kestrel decodes once and resolves dot segments
    /// (also from %2e) before routing, so a climb becomes an ordinary request for another path, which the rules judge;
    /// %2F stays a literal "%2F" in the key; anything else encoded is just part of a key under the caller's prefix.
    /// </summary>
    private static IEnumerable<BadInputCase> Traversal(string alice)
    {
        BadInputCase Case(string what, string target, int status, string? signedKey = null) =>
            new($"traversal: {what}", status) { Target = target, Token = alice, Signed = signedKey is null ? null : Acme(signedKey) };

        return
        [
            Case("%2e%2e inside the key resolves within the tenant", "/files/acme/a/%2e%2e/b", 302, "b"),
            Case("%2E%2E/ climbs to another tenant and is refused", "/files/acme/%2E%2E/globex/x", 403),
            Case("%2e%2e twice climbs out of the route", "/files/acme/%2e%2e/%2e%2e/globex/x", 404),
            Case("%2e%2e as the tenant segment", "/files/%2e%2e/globex/x", 404),
            Case("literal ../ to another tenant", "/files/acme/../globex/x", 403),
            Case("mixed .%2e to another tenant", "/files/acme/.%2e/globex/x", 403),
            Case("mixed %2e. leaves an empty key", "/files/acme/%2e./x", 400),
            Case("%2e alone is dropped", "/files/acme/%2e/x", 302, "x"),
            Case("%2f keeps dots in one literal segment", "/files/acme/..%2f..%2fglobex%2fx", 302, "..%252f..%252fglobex%252fx"),
            Case("%2e%2e%2f mixed stays one literal segment", "/files/acme/%2e%2e%2fglobex%2fx", 302, "..%252fglobex%252fx"),
            Case("%2f in the tenant segment", "/files/acme%2f..%2fglobex/x", 403),
            Case("%5c backslashes in the key", "/files/acme/..%5c..%5cglobex%5cx", 400),
            Case("%5c in the tenant segment", "/files/acme%5c..%5cglobex/x", 400),
            Case("raw backslashes in the key", "/files/acme/..\\..\\globex\\x", 400),
            Case("double-encoded dots %252e%252e", "/files/acme/%252e%252e/globex/x", 302, "%252e%252e/globex/x"),
            Case("double-encoded slash %252f", "/files/acme/..%252f..%252fglobex", 302, "..%252f..%252fglobex"),
            Case("double-encoded dots as the tenant", "/files/%252e%252e/globex/x", 403),
            Case("overlong UTF-8 dots %c0%ae%c0%ae", "/files/acme/%c0%ae%c0%ae/globex/x", 302, "%25c0%25ae%25c0%25ae/globex/x"),
            Case("overlong UTF-8 dots %e0%80%ae", "/files/acme/%e0%80%ae%e0%80%ae/x", 302, "%25e0%2580%25ae%25e0%2580%25ae/x"),
            Case("overlong UTF-8 slash %c0%af", "/files/acme/..%c0%af..%c0%afglobex", 302, "..%25c0%25af..%25c0%25afglobex"),
            Case("overlong UTF-8 dots as the tenant", "/files/%c0%ae%c0%ae/globex/x", 403),
            Case("NUL %00 in the key", "/files/acme/a%00b", 400),
            Case("NUL %00 before an extension", "/files/acme/x.pdf%00.txt", 400),
            Case("NUL %00 in the tenant segment", "/files/acme%00/x", 400),
            Case("fullwidth dots U+FF0E in the key", "/files/acme/%ef%bc%8e%ef%bc%8e/globex/x", 302, "%EF%BC%8E%EF%BC%8E/globex/x"),
            Case("fullwidth dots U+FF0E as the tenant", "/files/%ef%bc%8e%ef%bc%8e/globex/x", 403),
            Case("fullwidth solidus U+FF0F in the key", "/files/acme/..%ef%bc%8f..%ef%bc%8fglobex", 302, "..%EF%BC%8F..%EF%BC%8Fglobex"),
            Case("lone surrogate (CESU-8) in the key", "/files/acme/%ed%a0%80", 302, "%25ed%25a0%2580"),
            Case("IIS-style %u002e", "/files/acme/%u002e%u002e/globex", 302, "%25u002e%25u002e/globex"),
            Case("raw non-ASCII bytes in the target", "/files/acme/\u00c3\u00a9", 400),
            Case("raw overlong bytes in the target", "/files/acme/\u00c0\u00ae\u00c0\u00ae/x", 400),
            new("traversal: %2e%2e on the COS route to another tenant", 403) { Target = "/cos/acme/a/%2e%2e/%2e%2e/globex/x", Token = alice },
            new("traversal: %2f on the COS route stays in the key", 302) { Target = "/cos/acme/..%2fglobex", Token = alice, Signed = new(StoreEndpoint.Cos, "tenants/acme/", "..%252fglobex") },
            new("traversal: %2e%2e into another user's folder", 403) { Target = "/users/alice/%2e%2e/bob/x", Token = alice },
            new("traversal: %2e%2e out of the compatibility route's prefix", 404) { Target = "/demo/tenants/%2e%2e/users/bob/x", Token = alice },
        ];
    }

    /// <summary>Attempts to make the download redirect point anywhere but the store.</summary>
    private static IEnumerable<BadInputCase> OpenRedirects(string alice)
    {
        BadInputCase Case(string what, string target, int status, string? signedKey = null) =>
            new($"open redirect: {what}", status) { Target = target, Token = alice, Signed = signedKey is null ? null : Acme(signedKey) };

        return
        [
            Case("@host in the key", "/files/acme/@evil.example/x", 302, "%40evil.example/x"),
            Case("@host after the tenant", "/files/acme@evil.example/x", 403),
            Case("//host in the key", "/files/acme//evil.example/x", 302, "/evil.example/x"),
            Case("//host as the tenant", "/files//evil.example/x", 404),
            Case("//host as the whole target", "//evil.example/files/acme/x", 404),
            Case("/\\host as the whole target", "/\\evil.example/files/acme/x", 404),
            Case("http://evil inside the path", "/files/acme/http://evil.example/x", 302, "http%3A//evil.example/x"),
            Case("https:%2f%2fevil inside the path", "/files/acme/https:%2f%2fevil.example", 302, "https%3A%252f%252fevil.example"),
            Case("?redirect= is not carried", "/files/acme/x?redirect=https://evil.example/", 302, "x"),
            Case("?returnUrl=//evil is not carried", "/files/acme/x?returnUrl=//evil.example", 302, "x"),
            Case("?redirect= with a JSON link", "/files/acme/x?format=json&redirect=//evil.example", 200, "x"),
            Case("caller's own X-Amz-Signature is not carried", "/files/acme/x?X-Amz-Signature=0000&X-Amz-Expires=604800", 302, "x"),
            new("open redirect: absolute-form target naming another host", 302) { Target = "http://evil.example/files/acme/x", Host = "evil.example", Token = alice, Signed = Acme("x") },
            new("open redirect: Host header of another site", 302) { Target = "/files/acme/x", Host = "evil.example", Token = alice, Signed = Acme("x") },
            new("open redirect: X-Forwarded-Host and -Proto from an unknown proxy", 302)
            {
                Target = "/files/acme/x", Token = alice, Signed = Acme("x"),
                Headers = ["X-Forwarded-Host: evil.example", "X-Forwarded-Proto: https", "X-Forwarded-For: 203.0.113.9"],
            },
            new("open redirect: no Host header", 400) { Target = "/files/acme/x", Host = null, Token = alice },
            new("open redirect: two Host headers", 400) { Target = "/files/acme/x", Token = alice, Headers = ["Host: evil.example"] },
        ];
    }

    /// <summary>Hostile return URLs on sign-out: only a local path is followed, anything else goes to the root.</summary>
    private static IEnumerable<BadInputCase> SignOut()
    {
        BadInputCase Case(string what, string query, string location, string method = "GET") =>
            new($"sign-out: {what}", 302) { Method = method, Target = "/signout?returnUrl=" + query, LocalRedirect = location, Headers = method == "POST" ? ["Content-Length: 0"] : [] };

        return
        [
            Case("//evil", "//evil.example/phish", "/signed-out"),
            Case("/\\evil", "/\\evil.example", "/signed-out"),
            Case("https://evil", "https://evil.example/", "/signed-out"),
            Case("%2f%2fevil", "%2f%2fevil.example", "/signed-out"),
            Case("%2F%2Fevil in a POST", "%2F%2Fevil.example", "/signed-out", "POST"),
            Case("/%5cevil", "/%5cevil.example", "/signed-out"),
            Case("double-encoded %252f%252fevil", "%252f%252fevil.example", "/signed-out"),
            Case("/%2f%2fevil", "/%2f%2fevil.example", "/signed-out"),
            Case("javascript:", "javascript:alert(1)", "/signed-out"),
            Case("CR LF header injection", "/a%0d%0aSet-Cookie:%20x=1", "/signed-out"),
            Case("tab after the slash", "/%09/evil.example", "/signed-out"),
            Case("non-ASCII path", "/%C3%A9", "/signed-out"),
            Case("Unicode line separator", "/%E2%80%A8x", "/signed-out"),
            Case("two return URLs", "/a&returnUrl=//evil.example", "/a,//evil.example"),
            Case("a local path is kept", "/files/acme/a.txt", "/files/acme/a.txt"),
        ];
    }

    /// <summary>Download names and types: refused unless they are plain, and then only ever inside the quoted, signed value.</summary>
    private static IEnumerable<BadInputCase> DownloadOptions(string alice)
    {
        BadInputCase Case(string what, string query, int status, string? disposition = null) =>
            new($"download options: {what}", status)
            {
                Target = Q3 + query, Token = alice, Disposition = disposition,
                Signed = status is 302 ? Acme("reports/q3.pdf") : null,
            };

        return
        [
            Case("?download= with CR LF", "?download=a%0d%0aSet-Cookie:%20x=1", 400),
            Case("?download= with a bare LF", "?download=a%0ab.pdf", 400),
            Case("?download= with a bare CR", "?download=a%0db.pdf", 400),
            Case("?download= with a double quote", "?download=a%22b.pdf", 400),
            Case("?download= closing the quote to add filename*", "?download=a%22%3B%20filename*%3DUTF-8''evil.exe", 400),
            Case("?download= with filename* inside the quotes", "?download=a%3B%20filename*%3DUTF-8''evil.exe", 302, "attachment; filename=\"a; filename*=UTF-8''evil.exe\""),
            Case("?download= with a single quote", "?download=it's.pdf", 302, "attachment; filename=\"it's.pdf\""),
            Case("?download= with a backslash", "?download=a%5cb.pdf", 400),
            Case("?download= with a path", "?download=..%2F..%2Fetc%2Fpasswd", 400),
            Case("?download= with NUL", "?download=a%00b.pdf", 400),
            Case("?download= with a tab", "?download=a%09b.pdf", 400),
            Case("?download= with DEL", "?download=a%7fb.pdf", 400),
            Case("?download= with C1 NEL", "?download=a%c2%85b.pdf", 400),
            Case("?download= of spaces only", "?download=%20%20", 400),
            Case("?download= with a right-to-left override disguising the extension", "?download=invoice%E2%80%AEfdp.exe", 400),
            Case("?download= with a zero-width space", "?download=a%E2%80%8Bb.pdf", 400),
            Case("?download= with a byte-order mark", "?download=%EF%BB%BFa.pdf", 400),
            Case("?download=..", "?download=..", 400),
            Case("?download= of 256 characters", "?download=" + new string('a', 256), 400),
            Case("?download= of 255 characters", "?download=" + new string('a', 255), 302, $"attachment; filename=\"{new string('a', 255)}\""),
            Case("?download= with invalid UTF-8", "?download=a%ffb.pdf", 302, "attachment; filename=\"a_ffb.pdf\"; filename*=UTF-8''a%25ffb.pdf"),
            Case("?inline= with CR LF", "?inline=a%0d%0ab", 400),
            Case("?download and ?inline together", "?download=a.pdf&inline", 400),
            Case("?download twice", "?download=a.pdf&download=b.pdf", 400),
            Case("?response-content-disposition from the caller", "?response-content-disposition=attachment", 400),
            Case("?Response-Content-Type in another case", "?Response-Content-Type=text/html", 400),
            Case("?response-cache-control from the caller", "?response-cache-control=no-cache", 400),
            Case("?type= with CR LF", "?type=text/html%0d%0aX-Evil:%201", 400),
            Case("?type= with CR LF in the charset", "?type=text/plain;%20charset=utf-8%0d%0aX-Evil:%201", 400),
            Case("?type= with a quote", "?type=text/html%22", 400),
            Case("?type= naming two types", "?type=application/pdf,text/html", 400),
            Case("?type= with another parameter", "?type=multipart/mixed;%20boundary=x", 400),
            Case("?type= empty", "?type=", 400),
            Case("?type= wildcard", "?type=*/*", 400),
            Case("?type= non-ASCII", "?type=text/pl%C3%A4in", 400),
            Case("?type= of 300 characters", "?type=application/" + new string('x', 290), 400),
            Case("?type=twice", "?type=text/plain&type=text/html", 400),
            Case("?type=text/html shown inline", "?type=text/html", 400),
            Case("?type=image/svg+xml shown inline", "?type=image/svg%2Bxml", 400),
            Case("?type=application/xhtml+xml with ?inline", "?type=application/xhtml%2Bxml&inline", 400),
            Case("?type=text/javascript shown inline", "?type=text/javascript", 400),
            Case("?type=text/xml shown inline", "?type=text/xml;%20charset=utf-8", 400),
            Case("?type=text/html saved with ?download", "?type=text/html&download=page.html", 302, "attachment; filename=\"page.html\""),
            Case("?format= with CR LF is not JSON", "?format=json%0d%0a", 302),
        ];
    }

    /// <summary>
    /// Paths in the body of <c>POST /links</c>: no Kestrel normalises them, so the key check alone must keep each one
    /// inside the caller's prefix; every item is judged on its own.
    /// </summary>
    private static IEnumerable<BadInputCase> BatchLinks(string alice)
    {
        BadInputCase Item(string what, string pathJson, int? itemStatus, string? signedKey = null) =>
            new($"batch links: {what}", 200)
            {
                Method = "POST", Target = "/links", Token = alice, Body = $$"""{"paths":[{{pathJson}}]}""",
                ItemStatus = itemStatus, Signed = signedKey is null ? null : Acme(signedKey),
            };

        BadInputCase Batch(string what, string body, int status, string? token = "", string bodyType = "application/json") =>
            new($"batch links: {what}", status)
            {
                Method = "POST", Target = "/links", Token = token == "" ? alice : token, Body = body, BodyType = bodyType,
                Challenge = status == 401 ? "Bearer" : null,
            };

        return
        [
            Item("../ to another tenant", "\"/files/acme/../globex/x\"", 400),
            Item("%2e%2e to another tenant", "\"/files/acme/%2e%2e/globex/x\"", 400),
            Item("%2e%2e as the tenant", "\"/files/%2e%2e/globex/x\"", 400),
            Item("%2e%2e out of the route to the public prefix", "\"/files/acme/x/%2e%2e/%2e%2e/%2e%2e/public/x\"", 400),
            Item("../ into another user's folder", "\"/users/alice/../bob/x\"", 400),
            Item("./ in the key", "\"/files/acme/./x\"", 400),
            Item("%5c in the key", "\"/files/acme/a%5cb\"", 400),
            Item("NUL in the key", "\"/files/acme/a\\u0000b\"", 400),
            Item("//evil as the path", "\"//evil.example/x\"", 404),
            Item("an absolute URL to another host", "\"http://evil.example/files/acme/x\"", 404),
            Item("another tenant's file", "\"/files/globex/x\"", 403),
            Item("CR LF in the download name", "\"/files/acme/x?download=a%0d%0ab\"", 400),
            Item("response-content-type from the caller", "\"/files/acme/x?response-content-type=text/html\"", 400),
            Item("a null path", "null", 404),
            Item("a fragment stays in the key", "\"/files/acme/x#frag\"", null, "x%23frag"),
            Item("a bare % stays in the key", "\"/files/acme/%\"", null, "%25"),
            Item("%2f stays literal", "\"/files/acme/%2fx\"", null, "%252fx"),
            Item("overlong UTF-8 dots stay literal", "\"/files/acme/%c0%ae%c0%ae/x\"", null, "%25c0%25ae%25c0%25ae/x"),
            Batch("101 paths", $$"""{"paths":[{{string.Join(',', Enumerable.Repeat("\"/files/acme/x\"", 101))}}]}""", 400),
            Batch("method DELETE", """{"paths":["/files/acme/x"],"method":"DELETE"}""", 400),
            Batch("a lone surrogate in the JSON", """{"paths":["/files/acme/\ud800"]}""", 400),
            Batch("malformed JSON", "{\"paths\":[", 400),
            Batch("paths not a list", """{"paths":"/files/acme/x"}""", 400),
            Batch("deeply nested JSON", string.Concat(Enumerable.Repeat("[", 5000)), 400),
            Batch("a text/plain body", """{"paths":["/files/acme/x"]}""", 415, bodyType: "text/plain"),
            Batch("no token", """{"paths":["/public/x"]}""", 401, token: null),
        ];
    }

    /// <summary>
    /// People's browsers get small HTML pages for errors: the same statuses, nothing reflected, no internals. Anonymous
    /// navigations stay on the public route: anywhere else they are sent to sign in, which is not bad input.
    /// </summary>
    private static IEnumerable<BadInputCase> Pages()
    {
        string[] navigation = ["Accept: text/html,application/xhtml+xml", "Sec-Fetch-Mode: navigate"];
        return
        [
            new("pages: 405 for a POST navigation", 405) { Method = "POST", Target = "/public/logo.png", Headers = [.. navigation, "Content-Length: 0"], MediaType = "text/html" },
            new("pages: 400 for a backslash in a public key", 400) { Target = "/public/a%5cb", Headers = navigation, MediaType = "text/html" },
            new("pages: 400 for a script in a download name", 400) { Target = "/public/a.png?download=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22", Headers = navigation, MediaType = "text/html" },
            new("pages: 400 for a script and a backslash in a public key", 400) { Target = "/public/%3Cscript%3Ealert(1)%3C%2Fscript%3E%5C", Headers = navigation, MediaType = "text/html" },
        ];
    }

    /// <summary>Download routes answer GET and HEAD only: everything else is 405 with Allow, before authentication.</summary>
    private static IEnumerable<BadInputCase> Methods(string alice)
    {
        BadInputCase Case(string method, string target = Q3, string? token = null) =>
            new($"methods: {method} {target}", 405) { Method = method, Target = target, Token = token ?? alice, Headers = ["Content-Length: 0"] };

        return
        [
            .. new[] { "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "MKCOL", "GETX", "M-SEARCH" }.Select(method => Case(method)),
            Case("POST", "/public/logo.png", ""),
            Case("DELETE", "/cos/acme/x"),
            Case("PUT", "/users/alice/notes.txt"),
            Case("DELETE", "/demo/tenants/acme/x"),
            new("methods: POST with a body", 405) { Method = "POST", Target = Q3, Token = alice, Headers = ["Content-Type: application/json", "Content-Length: 2"] },
            new("methods: lower-case get is GET (ASP.NET Core matches methods case-insensitively)", 302) { Method = "get", Target = Q3, Token = alice, Signed = Acme("reports/q3.pdf") },
            new("methods: CONNECT in authority form", 404) { Method = "CONNECT", Target = "evil.example:443", Host = "evil.example:443", Token = alice },
            new("methods: OPTIONS *", 404) { Method = "OPTIONS", Target = "*", Token = alice },
        ];
    }

    /// <summary>Forged, broken and oversized bearer tokens on the shared gateway (HMAC development key).</summary>
    private static IEnumerable<BadInputCase> Tokens()
    {
        const string Invalid = "Bearer error=\"invalid_token\"";
        var claims = new Dictionary<string, object> { ["sub"] = "alice", ["tenant"] = "acme", ["scope"] = "storage:read" };
        var attacker = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SecretScan.Canary("attacker-hmac-key"))) { KeyId = "dev" };
        var now = DateTime.UtcNow;
        var valid = TestTokens.Create(claims);

        BadInputCase Case(string what, string token, int status = 401, string challenge = Invalid) =>
            new($"tokens: {what}", status) { Token = token, Challenge = status == 401 ? challenge : null };

        return
        [
            .. new[] { "none", "None", "NONE", "nOnE" }.Select(alg => Case($"alg={alg} unsigned", Jwt.Unsigned(alg, claims))),
            Case("alg=none with the valid signature kept", Jwt.WithHeader(valid, new() { ["alg"] = "none", ["kid"] = "dev" }, keepSignature: true)),
            Case("crit header extension, otherwise valid", Jwt.Signed(claims, header: new() { ["crit"] = new[] { "http://example.invalid/must-understand" }, ["http://example.invalid/must-understand"] = true })),
            Case("alg=HS512 with the right key, outside the closed list", Jwt.Signed(claims, header: new() { ["alg"] = "HS512" }, sha512: true)),
            Case("RS256 header on an HMAC signature", Jwt.WithHeader(valid, new() { ["alg"] = "RS256", ["kid"] = "dev" }, keepSignature: true)),
            Case("signed with another HMAC key", TestTokens.Create(claims, key: attacker)),
            Case("wrong aud", TestTokens.Create(claims, audience: "someone-else")),
            Case("aud list without the gateway", Jwt.Signed(claims, new() { ["aud"] = new[] { "other", "another" } })),
            Case("wrong iss", TestTokens.Create(claims, issuer: "https://evil.example")),
            Case("iss as a list", Jwt.Signed(claims, new() { ["iss"] = new[] { TestTokens.Issuer } })),
            Case("expired beyond the 30 s skew", TestTokens.Create(claims, notBefore: now.AddMinutes(-10), expires: now.AddSeconds(-31))),
            Case("nbf in the future", TestTokens.Create(claims, notBefore: now.AddMinutes(5), expires: now.AddMinutes(10))),
            Case("no exp", Jwt.Signed(claims, new() { ["exp"] = null })),
            Case("exp not a number", Jwt.Signed(claims, new() { ["exp"] = "tomorrow" })),
            Case("exp beyond any date", Jwt.Signed(claims, new() { ["exp"] = 100_000_000_000_000_000_000m })),
            Case("unknown kid, attacker's key", TestTokens.Create(claims, key: new SymmetricSecurityKey(attacker.Key) { KeyId = "rotated-2031" })),
            Case("kid path traversal, attacker's key", TestTokens.Create(claims, key: new SymmetricSecurityKey(attacker.Key) { KeyId = "../../../../dev/null" })),
            Case("kid SQL injection, attacker's key", TestTokens.Create(claims, key: new SymmetricSecurityKey(attacker.Key) { KeyId = "x' UNION SELECT 'key" })),
            Case("jku to the attacker, attacker's key", Jwt.Signed(claims, header: new() { ["jku"] = "http://127.0.0.1:9/jwks", ["kid"] = "attacker" }, key: attacker.Key)),
            Case("embedded jwk of the attacker's key", Jwt.Signed(claims, header: new() { ["jwk"] = new Dictionary<string, object> { ["kty"] = "oct", ["k"] = Base64UrlEncoder.Encode(attacker.Key) } }, key: attacker.Key)),
            Case("tenant claim \"*\" matches no other tenant", TestTokens.For("alice", "*"), 403),
            Case("tenant claim \"**\" matches no other tenant", TestTokens.For("alice", "**"), 403),
            Case("tenant claim as an object", Jwt.Signed(claims, new() { ["tenant"] = new Dictionary<string, object> { ["name"] = "acme" } }), 403),
            Case("20 KB token", Jwt.Signed(claims, new() { ["pad"] = new string('a', 20_000) }, key: attacker.Key)),
            Case("100 KB token", Jwt.Signed(claims, new() { ["pad"] = new string('a', 100_000) }, key: attacker.Key), 431),
            Case("huge header JSON (16 KB)", Jwt.Signed(claims, header: new() { ["x"] = new string('a', 16_000) }, key: attacker.Key)),
            Case("deeply nested header JSON", Jwt.Raw(string.Concat(Enumerable.Repeat("{\"a\":", 2000)) + "1" + new string('}', 2000), "{}", "c2ln")),
            Case("header not JSON", Jwt.Raw("{not json", "{}", "c2ln")),
            Case("header a JSON array", Jwt.Raw("[1,2]", "{}", "c2ln")),
            Case("payload not JSON", Jwt.Raw("{\"alg\":\"HS256\",\"kid\":\"dev\"}", "\u00ff\u00fe", "c2ln")),
            Case("garbage", SecretScan.Canary("garbage-token")),
            Case("two parts", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9"),
            Case("bad base64", "eyJhbGc!!!.e$$$.abc" + SecretScan.Canary("bad-base64")),
            Case("five parts (JWE-shaped)", "eyJhbGciOiJkaXIifQ.b.c.d.e" + SecretScan.Canary("jwe")),
            Case("dots only", "...."),
            Case("a valid token followed by more text", valid + " " + SecretScan.Canary("extra")),
            Case("empty bearer value", "", challenge: "Bearer"),
            new("tokens: Basic credentials instead of a token", 401) { Headers = ["Authorization: Basic YWxpY2U6c2VjcmV0"], Challenge = "Bearer", Secrets = ["YWxpY2U6c2VjcmV0"] },
            new("tokens: a valid token in the query string is not read", 401) { Target = Q3 + "?access_token=" + valid, Challenge = "Bearer", Secrets = [valid] },
            new("tokens: two Authorization headers", 401) { Token = valid, Headers = ["Authorization: Bearer " + valid], Challenge = Invalid },
        ];
    }

    /// <summary>
    /// Kestrel's configured limits (config/gateway.json: request line 8 KB, headers 32 KB and 64 fields) and the
    /// gateway's 1024-byte key limit, on both sides of each boundary.
    /// </summary>
    private static IEnumerable<BadInputCase> Limits(string alice)
    {
        // Host, Authorization, Cookie and Connection are sent with every case.
        const int FixedHeaders = 4;
        const int KeyPrefixBytes = 13; // "tenants/acme/"

        BadInputCase Case(string what, int status, string target = Q3, string[]? headers = null, string? signedKey = null) =>
            new($"limits: {what}", status) { Target = target, Token = alice, Headers = headers ?? [], Signed = signedKey is null ? null : Acme(signedKey) };

        static string[] Extra(int count) => [.. Enumerable.Range(0, count).Select(i => $"X-Extra-{i}: x")];

        return
        [
            Case("64 header fields in all", 302, headers: Extra(64 - FixedHeaders), signedKey: "reports/q3.pdf"),
            Case("65 header fields in all", 431, headers: Extra(65 - FixedHeaders)),
            Case("80 extra header fields", 431, headers: Extra(80)),
            Case("a 30 KB header", 302, headers: ["X-Big: " + new string('a', 30_000)], signedKey: "reports/q3.pdf"),
            Case("a 40 KB header", 431, headers: ["X-Big: " + new string('a', 40_000)]),
            Case("a 40 KB cookie", 431, headers: ["Cookie: big=" + new string('a', 40_000)]),
            Case("a 33 KB header name", 431, headers: [new string('X', 33_000) + ": x"]),
            Case("a request line over 8 KB", 414, target: "/files/acme/" + new string('a', 9000)),
            Case("a key of 1024 bytes", 302, target: "/files/acme/" + new string('a', 1024 - KeyPrefixBytes), signedKey: new string('a', 1024 - KeyPrefixBytes)),
            Case("a key of 1025 bytes", 400, target: "/files/acme/" + new string('a', 1025 - KeyPrefixBytes)),
            Case("a key of 1025 bytes with two-byte characters", 400, target: "/files/acme/" + string.Concat(Enumerable.Repeat("%C3%A9", 506))),
            Case("800 query parameters", 302, target: Q3 + "?" + string.Join('&', Enumerable.Range(0, 800).Select(i => $"p{i}=1")), signedKey: "reports/q3.pdf"),
        ];
    }
}
