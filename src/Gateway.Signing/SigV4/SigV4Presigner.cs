using System.Globalization;
using System.Security.Cryptography;
using Gateway.Signing.Credentials;
using Gateway.Signing.Encoding;

namespace Gateway.Signing.SigV4;

/// <summary>
/// Makes AWS Signature Version 4 query-string pre-signed URLs for S3 and S3-compatible stores
/// (<c>UNSIGNED-PAYLOAD</c>, only <c>host</c> signed). Thread-safe; one instance per store.
/// </summary>
public sealed class SigV4Presigner : IPresigner
{
    /// <summary>The largest <c>X-Amz-Expires</c> S3 accepts: seven days.</summary>
    internal const int MaxExpiresSeconds = 604_800;

    private const string Algorithm = "AWS4-HMAC-SHA256";
    private const string Service = "s3";
    private const string Terminator = "aws4_request";
    private const string SignedHeaders = "host";
    private const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    private const string SecretPrefix = "AWS4";
    private const string HostDomainPrefix = Service + ".";
    private const string HostDomainSuffix = ".amazonaws.com";
    private const string EncodedSlash = "%2F";

    private const string AlgorithmName = "X-Amz-Algorithm";
    private const string CredentialName = "X-Amz-Credential";
    private const string DateName = "X-Amz-Date";
    private const string ExpiresName = "X-Amz-Expires";
    private const string SecurityTokenName = "X-Amz-Security-Token";
    private const string SignedHeadersName = "X-Amz-SignedHeaders";
    private const string SignatureName = "X-Amz-Signature";
    private const string SignatureParam = "&" + SignatureName + "=";

    private const string CanonicalHeadersStart = "\nhost:";
    private const string CanonicalRequestEnd = "\n\n" + SignedHeaders + "\n" + UnsignedPayload;

    private const int AmzDateChars = 16; // yyyyMMddTHHmmssZ
    private const int DateChars = 8; // yyyyMMdd
    private const int MaxInt64Chars = 20;
    private const int Sha256HexChars = SHA256.HashSizeInBytes * 2;
    private const int StackChars = 2048;
    private const int StackBytes = 256;

    private static readonly TimeSpan s_maxExpiry = TimeSpan.FromSeconds(MaxExpiresSeconds);

    private static readonly string[] s_reservedNames =
    [
        AlgorithmName, CredentialName, DateName, ExpiresName, SecurityTokenName, SignedHeadersName, SignatureName,
    ];

    private static ReadOnlySpan<byte> ServiceUtf8 => "s3"u8;

    private static ReadOnlySpan<byte> TerminatorUtf8 => "aws4_request"u8;

    private readonly SigningEndpoint _endpoint;
    private readonly byte[] _regionUtf8;
    private readonly byte[] _scopeSuffixUtf8;
    private readonly string _encodedScopeSuffix;
    private SigningKeyEntry? _signingKey;

    /// <summary>
    /// What is wrong with <paramref name="address"/> for this presigner, naming the setting and never its value, or null
    /// when the constructor accepts it. Pure, so configuration validation can ask before any presigner is built.
    /// </summary>
    public static string? AddressProblem(StoreAddress address) =>
        SigningEndpoint.Problem(address, HostDomainPrefix + address?.Region + HostDomainSuffix);

    /// <summary>Creates a presigner for the bucket at <paramref name="address"/>.</summary>
    /// <exception cref="ArgumentException">The bucket, region, endpoint or public base URL is malformed.</exception>
    public SigV4Presigner(StoreAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        _endpoint = SigningEndpoint.Create(address, HostDomainPrefix + address.Region + HostDomainSuffix);

        // The region is held to DNS-label characters, so it is ASCII and needs no escaping.
        string scopeSuffix = "/" + address.Region + "/" + Service + "/" + Terminator;
        _regionUtf8 = System.Text.Encoding.ASCII.GetBytes(address.Region);
        _scopeSuffixUtf8 = System.Text.Encoding.ASCII.GetBytes(scopeSuffix);
        _encodedScopeSuffix = scopeSuffix.Replace("/", EncodedSlash, StringComparison.Ordinal);
    }

    /// <summary>Seven days, the SigV4 limit for <c>X-Amz-Expires</c>.</summary>
    public TimeSpan MaxExpiry => s_maxExpiry;

    /// <inheritdoc />
    public string Presign(in PresignRequest request, StorageCredentials credentials) =>
        Presign(request, credentials, trace: null);

    /// <summary>
    /// Returns the absolute pre-signed URL for a GET on the bucket itself, such as a listing: <paramref name="request"/>
    /// has an empty key, and its query parameters (<c>prefix</c>, <c>delimiter</c>...) are signed.
    /// </summary>
    /// <exception cref="ArgumentException">As for <see cref="Presign(in PresignRequest, StorageCredentials)"/>, or the key is not empty.</exception>
    public string PresignBucket(in PresignRequest request, StorageCredentials credentials) =>
        Presign(request, credentials, trace: null, bucket: true);

    /// <summary>Signs <paramref name="request"/>; when <paramref name="trace"/> is given, also records the intermediate strings.</summary>
    internal string Presign(in PresignRequest request, StorageCredentials credentials, SigV4SignatureTrace? trace, bool bucket = false)
    {
        long expirySeconds = PresignGuard.Validate(request, credentials, s_maxExpiry, bucket);
        DateTime utc = request.SignedAt.UtcDateTime;
        Span<char> amzDate = stackalloc char[AmzDateChars];
        WriteAmzDate(utc, amzDate);
        ReadOnlySpan<char> date = amzDate[..DateChars];

        SortedParameterBuffer inlineParameters = default;
        Span<SortedParameter> parameters =
            QueryParameterList.Sort(request, inlineParameters, lowerCaseNames: false, s_reservedNames);

        var builder = new ValueStringBuilder(stackalloc char[StackChars]);
        try
        {
            // The canonical request comes first; the URL then copies its path and query from it.
            builder.Append(request.Method);
            builder.Append('\n');
            int pathStart = builder.Length;
            builder.Append(_endpoint.PathPrefix);
            UriEncoder.AppendPath(ref builder, request.Key); // once, and not normalized: S3 keeps "//", "." and ".."
            int pathLength = builder.Length - pathStart;
            builder.Append('\n');
            int queryStart = builder.Length;
            AppendCanonicalQuery(ref builder, queryStart, parameters, credentials, amzDate, expirySeconds);
            int queryLength = builder.Length - queryStart;
            builder.Append(CanonicalHeadersStart);
            builder.Append(_endpoint.Host);
            builder.Append(CanonicalRequestEnd);
            int canonicalRequestLength = builder.Length;

            Span<byte> canonicalRequestHash = stackalloc byte[SHA256.HashSizeInBytes];
            Utf8Text.Hash(HashAlgorithmName.SHA256, builder.AsSpan(0, canonicalRequestLength), canonicalRequestHash);

            int stringToSignMax = Algorithm.Length + AmzDateChars + DateChars + _scopeSuffixUtf8.Length + Sha256HexChars + 3;
            Span<byte> stringToSign = stringToSignMax <= StackBytes ? stackalloc byte[StackBytes] : new byte[stringToSignMax];
            stringToSign = stringToSign[..WriteStringToSign(amzDate, canonicalRequestHash, stringToSign)];

            Span<byte> signature = stackalloc byte[HMACSHA256.HashSizeInBytes];
            ThreadHashes.Hmac(HashAlgorithmName.SHA256, GetSigningKey(credentials.SecretKey, utc, date), stringToSign, signature);

            int urlStart = builder.Length;
            builder.Append(_endpoint.UrlOrigin);
            builder.AppendCopy(pathStart, pathLength);
            builder.Append('?');
            builder.AppendCopy(queryStart, queryLength);
            builder.Append(SignatureParam);
            Hex.WriteLower(signature, builder.AppendSpan(signature.Length * 2));

            if (trace is not null)
            {
                trace.CanonicalRequest = builder.AsSpan(0, canonicalRequestLength).ToString();
                trace.StringToSign = System.Text.Encoding.ASCII.GetString(stringToSign);
                trace.Signature = Convert.ToHexStringLower(signature);
            }

            return builder.ToString(urlStart);
        }
        finally
        {
            builder.Dispose();
        }
    }

    /// <summary>
    /// <c>kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), "s3"), "aws4_request")</c>
    /// for a <paramref name="date"/> in <c>yyyyMMdd</c> form.
    /// </summary>
    internal static byte[] DeriveSigningKey(string secretKey, ReadOnlySpan<char> date, ReadOnlySpan<byte> region)
    {
        int maxSecretBytes = SecretPrefix.Length + Utf8Text.MaxByteCount(secretKey.Length);
        Span<byte> secret = maxSecretBytes <= StackBytes ? stackalloc byte[StackBytes] : new byte[maxSecretBytes];
        Span<byte> dateBytes = stackalloc byte[DateChars];
        Span<byte> keys = stackalloc byte[HMACSHA256.HashSizeInBytes * 2];
        Span<byte> first = keys[..HMACSHA256.HashSizeInBytes];
        Span<byte> second = keys[HMACSHA256.HashSizeInBytes..];
        try
        {
            int secretLength = Utf8Text.GetBytes(SecretPrefix, secret);
            secretLength += Utf8Text.GetBytes(secretKey, secret[secretLength..]);
            int dateLength = Utf8Text.GetBytes(date, dateBytes);

            // Each step keys the next; two buffers so no HMAC reads the span it writes.
            HMACSHA256.HashData(secret[..secretLength], dateBytes[..dateLength], first);
            HMACSHA256.HashData(first, region, second);
            HMACSHA256.HashData(second, ServiceUtf8, first);
            HMACSHA256.HashData(first, TerminatorUtf8, second);
            return second.ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
            CryptographicOperations.ZeroMemory(keys);
        }
    }

    private void AppendCanonicalQuery(
        ref ValueStringBuilder builder,
        int queryStart,
        ReadOnlySpan<SortedParameter> parameters,
        StorageCredentials credentials,
        ReadOnlySpan<char> amzDate,
        long expirySeconds)
    {
        // The X-Amz-* names are written in sorted order; the caller's sorted names are merged in around them.
        int next = 0;
        BeginParameter(ref builder, queryStart, parameters, ref next, AlgorithmName);
        builder.Append(Algorithm);

        BeginParameter(ref builder, queryStart, parameters, ref next, CredentialName);
        UriEncoder.AppendQueryComponent(ref builder, credentials.AccessKeyId);
        builder.Append(EncodedSlash);
        builder.Append(amzDate[..DateChars]);
        builder.Append(_encodedScopeSuffix);

        BeginParameter(ref builder, queryStart, parameters, ref next, DateName);
        builder.Append(amzDate);

        BeginParameter(ref builder, queryStart, parameters, ref next, ExpiresName);
        Span<char> digits = stackalloc char[MaxInt64Chars];
        expirySeconds.TryFormat(digits, out int digitCount, provider: CultureInfo.InvariantCulture);
        builder.Append(digits[..digitCount]);

        // Signed, unlike COS: S3 rejects a token that is not covered by the signature.
        if (credentials.SessionToken is { Length: > 0 } token)
        {
            BeginParameter(ref builder, queryStart, parameters, ref next, SecurityTokenName);
            UriEncoder.AppendQueryComponent(ref builder, token);
        }

        BeginParameter(ref builder, queryStart, parameters, ref next, SignedHeadersName);
        builder.Append(SignedHeaders);

        AppendCallerParameters(ref builder, queryStart, parameters, ref next, upTo: null);
    }

    private static void BeginParameter(
        ref ValueStringBuilder builder, int queryStart, ReadOnlySpan<SortedParameter> parameters, ref int next, string name)
    {
        AppendCallerParameters(ref builder, queryStart, parameters, ref next, name);
        AppendSeparator(ref builder, queryStart);
        builder.Append(name);
        builder.Append('=');
    }

    /// <summary>Writes the caller's parameters that sort before <paramref name="upTo"/> (all that are left when it is null).</summary>
    private static void AppendCallerParameters(
        ref ValueStringBuilder builder, int queryStart, ReadOnlySpan<SortedParameter> parameters, ref int next, string? upTo)
    {
        for (; next < parameters.Length && (upTo is null || string.CompareOrdinal(parameters[next].SignedName, upTo) < 0); next++)
        {
            AppendSeparator(ref builder, queryStart);
            builder.Append(parameters[next].SignedName);
            builder.Append('=');
            UriEncoder.AppendQueryComponent(ref builder, parameters[next].Value);
        }
    }

    private static void AppendSeparator(ref ValueStringBuilder builder, int queryStart)
    {
        if (builder.Length > queryStart)
        {
            builder.Append('&');
        }
    }

    private static void WriteAmzDate(DateTime utc, Span<char> destination)
    {
        WriteDigits(utc.Year, destination[..4]);
        WriteDigits(utc.Month, destination.Slice(4, 2));
        WriteDigits(utc.Day, destination.Slice(6, 2));
        destination[8] = 'T';
        WriteDigits(utc.Hour, destination.Slice(9, 2));
        WriteDigits(utc.Minute, destination.Slice(11, 2));
        WriteDigits(utc.Second, destination.Slice(13, 2));
        destination[15] = 'Z';
    }

    private static void WriteDigits(int value, Span<char> destination)
    {
        for (int i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = (char)('0' + (value % 10));
            value /= 10;
        }
    }

    private int WriteStringToSign(ReadOnlySpan<char> amzDate, ReadOnlySpan<byte> canonicalRequestHash, Span<byte> destination)
    {
        int length = Utf8Text.GetBytes(Algorithm, destination);
        destination[length++] = (byte)'\n';
        length += Utf8Text.GetBytes(amzDate, destination[length..]);
        destination[length++] = (byte)'\n';
        length += Utf8Text.GetBytes(amzDate[..DateChars], destination[length..]);
        _scopeSuffixUtf8.CopyTo(destination[length..]);
        length += _scopeSuffixUtf8.Length;
        destination[length++] = (byte)'\n';
        Hex.WriteLower(canonicalRequestHash, destination.Slice(length, Sha256HexChars));
        return length + Sha256HexChars;
    }

    // One entry is enough: the key changes once a day (or when STS rotates the secret), and a swap is one reference write.
    private byte[] GetSigningKey(string secretKey, DateTime utc, ReadOnlySpan<char> date)
    {
        DateOnly day = DateOnly.FromDateTime(utc);
        SigningKeyEntry? entry = Volatile.Read(ref _signingKey);
        if (entry is not null && entry.Day == day && string.Equals(entry.SecretKey, secretKey, StringComparison.Ordinal))
        {
            return entry.Key;
        }

        byte[] key = DeriveSigningKey(secretKey, date, _regionUtf8);
        Volatile.Write(ref _signingKey, new SigningKeyEntry(day, secretKey, key));
        return key;
    }

    /// <summary>An immutable cache entry; readers see either the old or the new one, never a mix.</summary>
    private sealed class SigningKeyEntry(DateOnly day, string secretKey, byte[] key)
    {
        public DateOnly Day { get; } = day;

        public string SecretKey { get; } = secretKey;

        public byte[] Key { get; } = key;
    }
}
