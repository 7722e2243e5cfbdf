using System.Text.Json;
using Gateway.Signing.Tests.TestSupport;

namespace Gateway.Signing.Tests.Sts;

/// <summary>
/// Loads <c>tc3-sts-request.json</c> (made with Tencent's own Node.js SDK) from the shared vectors folder, found as
/// <see cref="VectorFiles.LocateDirectory"/> finds it. A missing file fails the tests: it never skips them.
/// </summary>
internal static class Tc3VectorFile
{
    public const string FileName = "tc3-sts-request.json";

    private static readonly JsonSerializerOptions s_options = new(JsonSerializerDefaults.Web);

    private static readonly Lazy<IReadOnlyList<Tc3Vector>> s_vectors = new(Load);

    public static IReadOnlyList<Tc3Vector> All => s_vectors.Value;

    public static TheoryData<string> Names => new(All.Select(v => v.Name));

    public static Tc3Vector Get(string name) => All.Single(v => v.Name == name);

    private static IReadOnlyList<Tc3Vector> Load()
    {
        string path = Path.Combine(VectorFiles.LocateDirectory(), FileName);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The signing vector file '{path}' does not exist.");
        }

        List<Tc3Vector> vectors = JsonSerializer.Deserialize<List<Tc3Vector>>(File.ReadAllText(path), s_options)
            ?? throw new InvalidOperationException($"'{path}' holds no vector list.");
        if (vectors.Count == 0 || vectors.DistinctBy(v => v.Name, StringComparer.Ordinal).Count() != vectors.Count)
        {
            throw new InvalidOperationException($"'{path}' holds no vectors, or two with the same name.");
        }

        return vectors;
    }
}

internal sealed record Tc3Vector(string Name, Tc3VectorInput Input, Tc3VectorExpected Expected);

internal sealed record Tc3VectorInput(
    string SecretId, string SecretKey, long Timestamp, string Action, string Region, Dictionary<string, JsonElement> Payload);

internal sealed record Tc3VectorExpected(string CanonicalRequest, string StringToSign, Tc3VectorRequest Request);

internal sealed record Tc3VectorRequest(string Method, string Url, Dictionary<string, string> Headers, string Body);
