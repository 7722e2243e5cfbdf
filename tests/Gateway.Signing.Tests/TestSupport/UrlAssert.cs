namespace Gateway.Signing.Tests.TestSupport;

/// <summary>Compares signed URLs as the vectors' README says: scheme, host and path byte for byte; the same query parameters with the same encoded values, in any order.</summary>
internal static class UrlAssert
{
    public static void Equivalent(string expected, string actual)
    {
        (string expectedBase, string[] expectedParameters) = Split(expected);
        (string actualBase, string[] actualParameters) = Split(actual);
        Assert.Equal(expectedBase, actualBase);
        Assert.Equal(expectedParameters, actualParameters);
    }

    /// <summary>The query parameters of <paramref name="url"/> as raw <c>name=value</c> strings, in URL order.</summary>
    public static string[] QueryParameters(string url) => url[(url.IndexOf('?', StringComparison.Ordinal) + 1)..].Split('&');

    private static (string Base, string[] Parameters) Split(string url)
    {
        int query = url.IndexOf('?', StringComparison.Ordinal);
        Assert.True(query > 0, "A signed URL has a query string.");
        string[] parameters = QueryParameters(url);
        Array.Sort(parameters, StringComparer.Ordinal);
        return (url[..query], parameters);
    }
}
