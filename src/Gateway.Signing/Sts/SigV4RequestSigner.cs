using System.Globalization;
using System.Text;

namespace Gateway.Signing.Sts;

/// <summary>
/// AWS Signature Version 4 in the <c>Authorization</c> header, for API calls such as STS <c>AssumeRole</c>
/// (the presigner in <c>SigV4/</c> does the query-string form for S3 objects).
/// </summary>
internal static class SigV4RequestSigner
{
    internal const string Algorithm = "AWS4-HMAC-SHA256";
    internal const string Terminator = "aws4_request";
    internal const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";

    private const string KeyPrefix = "AWS4";
    private const int DateChars = 8; // yyyyMMdd

    /// <summary>Signs the request and returns the <c>Authorization</c> header value.</summary>
    /// <param name="accessKeyId">The access key id.</param>
    /// <param name="secretKey">The secret access key.</param>
    /// <param name="region">The signing region.</param>
    /// <param name="service">The signing service, e.g. <c>sts</c>.</param>
    /// <param name="request">What is signed; its headers must include <c>host</c> and <c>x-amz-date</c>.</param>
    /// <param name="trace">Receives the intermediate strings when not null.</param>
    public static string Sign(string accessKeyId, string secretKey, string region, string service, in SigV4Request request, SigV4RequestTrace? trace)
    {
        string amzDate = FormatAmzDate(request.SignedAt);
        string date = amzDate[..DateChars];
        string scope = date + "/" + region + "/" + service + "/" + Terminator;
        string signedHeaders = SignedHeaders(request.Headers);
        string canonicalRequest = CanonicalRequest(request, signedHeaders);
        string stringToSign = Algorithm + "\n" + amzDate + "\n" + scope + "\n" + SignatureText.Sha256Hex(canonicalRequest);
        string signature = SignatureText.HmacSha256Hex(HmacKeyChain.Derive(KeyPrefix, secretKey, [date, region, service, Terminator]), stringToSign);

        if (trace is not null)
        {
            trace.CanonicalRequest = canonicalRequest;
            trace.StringToSign = stringToSign;
            trace.Signature = signature;
        }

        return Algorithm + " Credential=" + accessKeyId + "/" + scope + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature;
    }

    /// <summary>The <c>X-Amz-Date</c> value: <c>yyyyMMddTHHmmssZ</c> in UTC.</summary>
    internal static string FormatAmzDate(DateTimeOffset time) =>
        time.UtcDateTime.ToString(AmzDateFormat, CultureInfo.InvariantCulture);

    /// <summary>
    /// <c>method\npath\nquery\n(name:value\n)*\nsigned-headers\nhex(SHA256(payload))</c> with names lower-cased,
    /// values trimmed and inner runs of spaces collapsed, sorted by name.
    /// </summary>
    internal static string CanonicalRequest(in SigV4Request request, string signedHeaders)
    {
        var builder = new StringBuilder();
        builder.Append(request.Method).Append('\n');
        builder.Append(request.Path).Append('\n');
        builder.Append(request.Query).Append('\n');
        foreach (KeyValuePair<string, string> header in Sorted(request.Headers))
        {
            builder.Append(header.Key.ToLowerInvariant()).Append(':');
            AppendTrimmedValue(builder, header.Value);
            builder.Append('\n');
        }

        builder.Append('\n');
        builder.Append(signedHeaders).Append('\n');
        builder.Append(SignatureText.Sha256Hex(request.Payload.Span));
        return builder.ToString();
    }

    private static string SignedHeaders(IReadOnlyList<KeyValuePair<string, string>> headers) =>
        string.Join(';', Sorted(headers).Select(header => header.Key.ToLowerInvariant()));

    private static IEnumerable<KeyValuePair<string, string>> Sorted(IReadOnlyList<KeyValuePair<string, string>> headers) =>
        headers.OrderBy(header => header.Key.ToLowerInvariant(), StringComparer.Ordinal);

    private static void AppendTrimmedValue(StringBuilder builder, string value)
    {
        bool space = false;
        foreach (char c in value.AsSpan().Trim())
        {
            if (c == ' ')
            {
                space = true;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }
    }
}

/// <summary>The parts of an HTTP request that SigV4 signs.</summary>
/// <param name="Method">The HTTP method, upper case.</param>
/// <param name="Path">The canonical URI, already encoded.</param>
/// <param name="Query">The canonical query string, already sorted and encoded; empty for none.</param>
/// <param name="Headers">The signed headers exactly as sent (names in any case; at least host and x-amz-date).</param>
/// <param name="Payload">The body exactly as sent.</param>
/// <param name="SignedAt">The time sent as <c>X-Amz-Date</c>.</param>
internal readonly record struct SigV4Request(
    string Method,
    string Path,
    string Query,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    ReadOnlyMemory<byte> Payload,
    DateTimeOffset SignedAt);
