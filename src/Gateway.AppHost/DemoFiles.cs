using System.Net.Http.Headers;
using System.Text;

namespace Gateway.AppHost;

/// <summary>
/// The demo's objects, put into s3rver once it answers. The keys match the rules in <c>config/rules/access.json</c>:
/// each tenant reads its own files, drafts are denied to everyone, each user reads their own folder, public is open.
/// </summary>
internal static class DemoFiles
{
    /// <summary>The <c>demo-s3</c> store's bucket.</summary>
    public const string Bucket = "demo";

    /// <summary>Key and text of each demo object.</summary>
    public static readonly IReadOnlyList<(string Key, string Text)> Objects =
    [
        ("tenants/acme/reports/q3.txt", "Q3 report for acme.\n"),
        ("tenants/acme/drafts/q4.txt", "Q4 draft for acme: denied to everyone by the rule no-drafts.\n"),
        ("tenants/globex/reports/q3.txt", "Q3 report for globex.\n"),
        ("tenants/globex/secret.pdf", "globex's secret: acme's users are denied it.\n"),
        ("users/alice/notes.txt", "alice's own notes.\n"),
        ("users/bob/notes.txt", "bob's own notes.\n"),
        ("public/welcome.txt", "Anyone may read this, signed in or not.\n"),
    ];

    /// <summary>Puts every demo object with a plain HTTP PUT (s3rver does not check signatures).</summary>
    public static async Task SeedAsync(string storeUrl, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = new Uri(storeUrl), Timeout = TimeSpan.FromSeconds(10) };
        foreach (var (key, text) in Objects)
        {
            using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
            content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
            using var response = await client.PutAsync(new Uri($"/{Bucket}/{key}", UriKind.Relative), content, cancellationToken);
            response.EnsureSuccessStatusCode();
        }
    }
}
