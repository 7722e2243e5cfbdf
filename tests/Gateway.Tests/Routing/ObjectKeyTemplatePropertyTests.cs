using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using Gateway.Hosting;
using Gateway.Routing;
using Gateway.Signing;
using Gateway.Signing.Cos;
using Gateway.Signing.Credentials;
using Gateway.Signing.SigV4;
using Gateway.TestSupport;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing.Template;

namespace Gateway.Tests.Routing;

/// <summary>
/// The key mapper on hostile route values, raw paths and generated templates. A plain reference model (string
/// substitution and the key rules written out again) states what it must answer; the signers then show that every
/// key it accepts stays inside its folder in the URL a client follows.
/// </summary>
public sealed partial class ObjectKeyTemplatePropertyTests
{
    private const int Iterations = 5000;
    private const string TenantTemplate = "tenants/{tenant}/{path}";

    private static readonly string[] s_names = ["tenant", "path", "p0", "p1"];

    private static readonly string[] s_fixedTemplates = [TenantTemplate, "{path}", "files/{tenant}-{path}.bin", "a/{tenant}/b/{path}/c", "{tenant}/{path}"];

    private static readonly StorageCredentials s_credentials = new() { AccessKeyId = "AKIDEXAMPLE", SecretKey = "secret" };

    private static readonly IPresigner[] s_presigners =
    [
        new CosPresigner(new StoreAddress { Bucket = "examplebucket-1250000000", Region = "ap-guangzhou" }),
        new SigV4Presigner(new StoreAddress { Bucket = "demo", Region = "us-east-1", Endpoint = new Uri("http://127.0.0.1:4568"), ForcePathStyle = true }),
    ];

    private static readonly string[] s_pathPrefixes = ["/", "/demo/"];

    // A route value as ASP.NET Core might hand it over: usually text, sometimes missing, empty, null or not a string.
    private static readonly Gen<object?> RouteValue = Gen.Frequency<object?>(
        (12, HostileText.Text.Select(text => (object?)text)),
        (1, Gen.Const((object?)null)),
        (1, Gen.Const((object?)"")),
        (1, Gen.Const((object?)42)),
        (1, Gen.Const((object?)Missing.Value)));

    private static readonly Gen<RouteValueDictionary> RouteValues = RouteValue.Array[s_names.Length].Select(values =>
    {
        var dictionary = new RouteValueDictionary();
        for (int i = 0; i < s_names.Length; i++)
        {
            if (values[i] is not Missing)
            {
                dictionary[s_names[i]] = values[i];
            }
        }

        return dictionary;
    });

    private static readonly Gen<string> TemplatePiece = Gen.Frequency<string>(
        (6, Gen.OneOf("tenants", "files", "a.b", "x-y", "中文", "v1")),
        (5, Gen.OneOf("{p0}", "{p1}", "{tenant}", "{path}")),
        (5, Gen.Const("/")),
        (2, Gen.OneOf("..", ".", "a\\b", "\u0001", "{", "}", "{}", "{a/b}", "{*p}", "{**path}", "{p?}", "{{p0}}", "\uD800", "\uDC00")),
        (1, HostileText.Text));

    private static readonly Gen<string> GeneratedTemplate = TemplatePiece.Array[1, 7].Select(string.Concat);

    private static readonly Gen<string> RawPath = Gen.Frequency<string>(
        (4, HostileText.Text.Select(text => "/files/acme/" + text)),
        (2, Gen.Select(HostileText.Text, HostileText.Text, (tenant, path) => "/files/" + tenant + "/" + path)),
        (1, HostileText.Text));

    [Fact]
    public void TryBuild_ArbitraryRouteValues_ReturnsAKeyOrAReasonExactlyAsTheKeyRulesSay()
    {
        var built = 0;
        var refused = 0;
        Gen.Select(Gen.OneOf(s_fixedTemplates), RouteValues).Sample(
            (text, values) =>
            {
                ObjectKeyTemplate template = Parse(text);

                string? key = template.TryBuild(values, out string? error);

                string? expected = ReferenceBuild(text, values);
                Assert.Equal(expected, key);
                Assert.Equal(key is null, !string.IsNullOrEmpty(error));
                Interlocked.Increment(ref key is null ? ref refused : ref built);
            },
            iter: Iterations);

        // Both outcomes must be common, or agreement would prove little.
        Assert.InRange(built, Iterations / 10, Iterations);
        Assert.InRange(refused, Iterations / 10, Iterations);
    }

    [Fact]
    public void TryBuild_AnyPathUnderAFixedTenant_StaysInsideTheTenantFolderOfTheSignedUrl()
    {
        var built = 0;
        ObjectKeyTemplate template = Parse(TenantTemplate);
        Gen.Select(HostileText.Text, Gen.Int[0, s_presigners.Length - 1]).Sample(
            (path, store) =>
            {
                string? key = template.TryBuild(new RouteValueDictionary { ["tenant"] = "acme", ["path"] = path }, out _);
                if (key is null)
                {
                    return;
                }

                Interlocked.Increment(ref built);
                Assert.StartsWith("tenants/acme/", key, StringComparison.Ordinal);
                Assert.DoesNotContain(key.Split('/'), segment => segment is "." or "..");

                // Every key the mapper accepts signs without an exception, and the URL a client follows stays in the folder.
                string url = s_presigners[store].Presign(new PresignRequest("GET", key, DateTimeOffset.UnixEpoch.AddYears(55), TimeSpan.FromMinutes(5)), s_credentials);
                var uri = new Uri(url);
                string origin = uri.GetLeftPart(UriPartial.Authority);
                string rawPath = url[origin.Length..url.IndexOf('?', StringComparison.Ordinal)];
                string folder = s_pathPrefixes[store] + "tenants/acme/";
                Assert.Equal(rawPath, uri.AbsolutePath);
                Assert.Equal(rawPath, UrlText.BrowserPath(rawPath));
                Assert.StartsWith(folder, rawPath, StringComparison.Ordinal);
                Assert.Equal(s_pathPrefixes[store] + key, UrlText.PercentDecode(rawPath));
            },
            iter: Iterations);

        Assert.InRange(built, Iterations / 10, Iterations);
    }

    [Fact]
    public void TryParse_GeneratedTemplates_AgreeWithTheReferenceAndEveryKeyStartsWithTheLiteralPrefix()
    {
        var parsed = 0;
        var built = 0;
        Gen.Select(GeneratedTemplate, RouteValues).Sample(
            (text, values) =>
            {
                ObjectKeyTemplate? template = ObjectKeyTemplate.TryParse(text, out string? parseError);

                Assert.Equal(ReferenceParses(text), template is not null);
                Assert.Equal(template is null, !string.IsNullOrEmpty(parseError));
                if (template is null)
                {
                    return;
                }

                Interlocked.Increment(ref parsed);
                Assert.Equal(text[..(text.IndexOf('{', StringComparison.Ordinal) is var brace and >= 0 ? brace : text.Length)], template.LiteralPrefix);
                Assert.Equal(Placeholder().Matches(text).Select(match => match.Groups[1].Value), template.Placeholders);

                string? key = template.TryBuild(values, out _);
                Assert.Equal(ReferenceBuild(text, values), key);
                if (key is not null)
                {
                    Interlocked.Increment(ref built);
                    Assert.StartsWith(template.LiteralPrefix, key, StringComparison.Ordinal);
                    Assert.DoesNotContain(key.Split('/'), segment => segment is "." or "..");
                }
            },
            iter: Iterations);

        Assert.InRange(parsed, Iterations / 10, Iterations * 9 / 10);
        Assert.InRange(built, Iterations / 50, Iterations);
    }

    [Fact]
    public void TryParse_ArbitraryText_ReturnsATemplateOrAReason() =>
        HostileText.Text.Sample(
            text =>
            {
                ObjectKeyTemplate? template = ObjectKeyTemplate.TryParse(text, out string? error);

                Assert.Equal(ReferenceParses(text), template is not null);
                Assert.Equal(template is null, !string.IsNullOrEmpty(error));
            },
            iter: Iterations);

    [Fact]
    public void TryBuild_ArbitraryRawPath_NeverThrowsAndKeepsKeysInsideTheTenantFolder()
    {
        var built = 0;
        var template = Parse(TenantTemplate);
        var matcher = new TemplateMatcher(TemplateParser.Parse("/files/{tenant}/{**path}"), []);
        var origin = new RequestOrigin("http", new HostString("localhost"), null, new(), [], default);
        RawPath.Sample(
            rawPath =>
            {
                // Decoded as a batch item's path is, then matched as routing matches it.
                var values = new RouteValueDictionary();
                if (InProcessRequests.Create("GET", rawPath, origin) is not { } request || !matcher.TryMatch(request.Request.Path, values))
                {
                    return;
                }

                var key = template.TryBuild(values, out var error);
                if (key is null)
                {
                    Assert.False(string.IsNullOrEmpty(error));
                    return;
                }

                Interlocked.Increment(ref built);
                string tenant = Assert.IsType<string>(values["tenant"]);
                Assert.DoesNotContain('/', tenant);
                Assert.Equal($"tenants/{tenant}/{values["path"]}", key);
                Assert.DoesNotContain(key.Split('/'), segment => segment is "." or "..");
                if (rawPath.StartsWith("/files/acme/", StringComparison.Ordinal))
                {
                    Assert.StartsWith("tenants/acme/", key, StringComparison.Ordinal);
                }
            },
            iter: Iterations);

        Assert.InRange(built, Iterations / 10, Iterations);
    }

    private static ObjectKeyTemplate Parse(string text) =>
        ObjectKeyTemplate.TryParse(text, out var error) ?? throw new InvalidOperationException(error);

    /// <summary>Placeholders are <c>{name}</c> with a name free of braces, <c>/</c>, <c>*</c> and <c>?</c>; literal text holds no brace and is a safe key part.</summary>
    private static bool ReferenceParses(string text)
    {
        if (text.Length == 0 || text[0] == '/')
        {
            return false;
        }

        return Placeholder().Split(text).Where((_, i) => i % 2 == 0)
            .All(literal => literal.IndexOfAny(['{', '}']) < 0 && (literal.Length == 0 || IsSafeKey(literal)));
    }

    /// <summary>Substitutes every placeholder, or returns null when a value is missing, empty, not text, or the key is unsafe.</summary>
    private static string? ReferenceBuild(string text, RouteValueDictionary values)
    {
        var missing = false;
        string key = Placeholder().Replace(text, match =>
        {
            if (values.TryGetValue(match.Groups[1].Value, out object? value) && value is string { Length: > 0 } s)
            {
                return s;
            }

            missing = true;
            return "";
        });
        return !missing && IsSafeKey(key) ? key : null;
    }

    /// <summary>The key rules, written out again: no C0 or C1 control, DEL or backslash; no "." or ".." segment; valid Unicode; 1 to 1024 bytes.</summary>
    private static bool IsSafeKey(string key) =>
        key.Length > 0
        && !key.Any(c => c < ' ' || c is >= '\u007F' and <= '\u009F' || c == '\\')
        && !key.Split('/').Any(segment => segment is "." or "..")
        && HostileText.IsWellFormed(key)
        && Encoding.UTF8.GetByteCount(key) <= ObjectKeyTemplate.MaxKeyBytes;

    [GeneratedRegex(@"\{([^{}/*?]+)\}")]
    private static partial Regex Placeholder();

    /// <summary>Marks a route value that is not there at all.</summary>
    private sealed class Missing
    {
        public static readonly Missing Value = new();
    }
}
