using System.Text.Json;
using Gateway.TestSupport;

namespace Gateway.Signing.Tests.TestSupport;

/// <summary>
/// Loads the vendor-SDK signing vectors from the shared <c>vectors/</c> folder. They are read where they are, never
/// copied into this repository, so a change to them is seen at once. A missing folder fails the tests: it never skips them.
/// </summary>
internal static class VectorFiles
{
    /// <summary>Overrides where the vectors are looked for.</summary>
    public const string DirectoryVariable = "GATEWAY_VECTORS_DIR";

    public const string CosFile = "cos-presign.json";
    public const string S3File = "s3-presign.json";

    private static readonly JsonSerializerOptions s_options = new(JsonSerializerDefaults.Web);

    private static readonly Lazy<IReadOnlyList<CosVector>> s_cos = new(() => Load<CosVector>(CosFile));
    private static readonly Lazy<IReadOnlyList<SigV4Vector>> s_s3 = new(() => Load<SigV4Vector>(S3File));

    public static IReadOnlyList<CosVector> Cos => s_cos.Value;

    public static IReadOnlyList<SigV4Vector> S3 => s_s3.Value;

    /// <summary>The vectors folder: <c>$GATEWAY_VECTORS_DIR</c>, else <c>../shared/vectors</c> beside the folder holding the solution.</summary>
    public static string LocateDirectory()
    {
        string? configured = Environment.GetEnvironmentVariable(DirectoryVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            return Directory.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"{DirectoryVariable} is set to '{configured}', which is not a folder.");
        }

        string root = Repository.FindRoot() ?? throw new InvalidOperationException(
            $"The signing vectors were not found: no {Repository.SolutionFile} above '{AppContext.BaseDirectory}'. Set {DirectoryVariable} to the folder holding {CosFile}.");
        string candidate = Path.GetFullPath(Path.Combine(root, "..", "shared", "vectors"));
        return Directory.Exists(candidate)
            ? candidate
            : throw new InvalidOperationException(
                $"The signing vectors were not found at '{candidate}' (shared/vectors beside the repository). Set {DirectoryVariable} to the folder holding {CosFile}.");
    }

    private static IReadOnlyList<T> Load<T>(string fileName)
        where T : IVector
    {
        string path = Path.Combine(LocateDirectory(), fileName);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The signing vector file '{path}' does not exist.");
        }

        List<T> vectors = JsonSerializer.Deserialize<List<T>>(File.ReadAllText(path), s_options)
            ?? throw new InvalidOperationException($"'{path}' holds no vector list.");
        if (vectors.Count == 0)
        {
            throw new InvalidOperationException($"'{path}' holds no vectors.");
        }

        if (vectors.DistinctBy(v => v.Name, StringComparer.Ordinal).Count() != vectors.Count)
        {
            throw new InvalidOperationException($"'{path}' has two vectors with the same name; names identify the test cases.");
        }

        return vectors;
    }
}

internal interface IVector
{
    string Name { get; }
}

internal sealed record CosVector(string Name, CosVectorInput Input, CosVectorExpected Expected) : IVector;

internal sealed record CosVectorInput(
    string SecretId,
    string SecretKey,
    string Bucket,
    string Region,
    string Method,
    long Expires,
    long StartTime,
    string Key,
    Dictionary<string, string>? Query,
    string? SecurityToken);

internal sealed record CosVectorExpected(
    string KeyTime, string SignKey, string HttpString, string StringToSign, string Signature, string Url);

internal sealed record SigV4Vector(string Name, SigV4VectorInput Input, SigV4VectorExpected Expected) : IVector;

internal sealed record SigV4VectorInput(
    string AccessKeyId,
    string SecretAccessKey,
    string Region,
    string Bucket,
    DateTimeOffset SigningDate,
    long ExpiresIn,
    string Key,
    string? Host,
    string? Endpoint,
    bool ForcePathStyle,
    string? SessionToken,
    string? ResponseContentDisposition,
    string? ResponseContentType);

internal sealed record SigV4VectorExpected(string CanonicalRequest, string StringToSign, string Signature, string Url);
