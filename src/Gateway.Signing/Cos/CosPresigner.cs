using System.Globalization;
using System.Security.Cryptography;
using Gateway.Signing.Credentials;
using Gateway.Signing.Encoding;

namespace Gateway.Signing.Cos;

/// <summary>
/// Makes Tencent COS XML pre-signed URLs (<c>q-sign-algorithm=sha1</c>), signing the <c>host</c> header and the
/// caller's query parameters. Thread-safe; one instance per store.
/// </summary>
public sealed class CosPresigner : IPresigner
{
    private const string SignAlgorithm = "sha1";
    private const string HostDomainPrefix = "cos.";
    private const string HostDomainSuffix = ".myqcloud.com";
    private const string HostHeaderName = "host";
    private const string GetLower = "get";
    private const string HeadLower = "head";
    private const string SecurityTokenName = "x-cos-security-token";

    // The COS SDK writes the ';' between q-url-param-list names escaped and in lower case.
    private const string ParamListSeparatorInUrl = "%3b";

    private const string SignTimeParam = "&q-sign-time=";
    private const string KeyTimeParam = "&q-key-time=";
    private const string AlgorithmAndKeyParams = "?q-sign-algorithm=" + SignAlgorithm + "&q-ak=";
    private const string ListParams = "&q-header-list=" + HostHeaderName + "&q-url-param-list=";
    private const string SignatureParam = "&q-signature=";
    private const string SecurityTokenParam = "&" + SecurityTokenName + "=";

    private const int KeyTimeMaxChars = 20 + 1 + 20; // two longs and ';'
    private const int SignKeyHexBytes = HMACSHA1.HashSizeInBytes * 2;
    private const int StringToSignMaxBytes = 128; // "sha1", KeyTime, 40 hex digits and three newlines: at most 88
    private const int SecretStackBytes = 256;
    private const int StackChars = 2048;

    private static readonly TimeSpan s_maxExpiry = TimeSpan.FromDays(7);

    private static readonly string[] s_reservedNames =
    [
        "q-sign-algorithm", "q-ak", "q-sign-time", "q-key-time", "q-header-list", "q-url-param-list", "q-signature",
        SecurityTokenName,
    ];

    private readonly SigningEndpoint _endpoint;
    private readonly string _hostHeader;
    private SignKeyEntry? _signKey;

    /// <summary>
    /// What is wrong with <paramref name="address"/> for this presigner, naming the setting and never its value, or null
    /// when the constructor accepts it. Pure, so configuration validation can ask before any presigner is built.
    /// </summary>
    public static string? AddressProblem(StoreAddress address) =>
        SigningEndpoint.Problem(address, HostDomainPrefix + address?.Region + HostDomainSuffix);

    /// <summary>Creates a presigner for the bucket at <paramref name="address"/>.</summary>
    /// <exception cref="ArgumentException">The bucket, region, endpoint or public base URL is malformed.</exception>
    public CosPresigner(StoreAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        _endpoint = SigningEndpoint.Create(address, HostDomainPrefix + address.Region + HostDomainSuffix);
        _hostHeader = HostHeaderName + "=" + UriEncoder.EncodeQueryComponent(_endpoint.Host);
    }

    /// <summary>Seven days: gateway policy, matching the SigV4 cap.</summary>
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
    internal string Presign(in PresignRequest request, StorageCredentials credentials, CosSignatureTrace? trace, bool bucket = false)
    {
        long expirySeconds = PresignGuard.Validate(request, credentials, s_maxExpiry, bucket);
        long start = request.SignedAt.ToUnixTimeSeconds();
        if (start < 0)
        {
            throw new ArgumentException("The signing time must not be before 1970.", nameof(request));
        }

        Span<char> keyTimeBuffer = stackalloc char[KeyTimeMaxChars];
        ReadOnlySpan<char> keyTime = keyTimeBuffer[..FormatKeyTime(start, start + expirySeconds, keyTimeBuffer)];
        byte[] signKey = GetSignKey(credentials.SecretKey, start, expirySeconds, keyTime);

        SortedParameterBuffer inlineParameters = default;
        Span<SortedParameter> parameters =
            QueryParameterList.Sort(request, inlineParameters, lowerCaseNames: true, s_reservedNames);

        var builder = new ValueStringBuilder(stackalloc char[StackChars]);
        try
        {
            // HttpString: the path is the raw key, not encoded, as COS signs it.
            builder.Append(request.Method == PresignGuard.Get ? GetLower : HeadLower);
            builder.Append('\n');
            builder.Append(_endpoint.PathPrefix);
            builder.Append(request.Key);
            builder.Append('\n');
            for (int i = 0; i < parameters.Length; i++)
            {
                if (i > 0)
                {
                    builder.Append('&');
                }

                builder.Append(parameters[i].SignedName);
                builder.Append('=');
                UriEncoder.AppendQueryComponent(ref builder, parameters[i].Value);
            }

            builder.Append('\n');
            builder.Append(_hostHeader);
            builder.Append('\n');
            int httpStringLength = builder.Length;

            Span<byte> httpStringHash = stackalloc byte[SHA1.HashSizeInBytes];
            Utf8Text.Hash(HashAlgorithmName.SHA1, builder.AsSpan(0, httpStringLength), httpStringHash);

            Span<byte> stringToSign = stackalloc byte[StringToSignMaxBytes];
            int stringToSignLength = WriteStringToSign(keyTime, httpStringHash, stringToSign);
            stringToSign = stringToSign[..stringToSignLength];

            Span<byte> signature = stackalloc byte[HMACSHA1.HashSizeInBytes];
            ThreadHashes.Hmac(HashAlgorithmName.SHA1, signKey, stringToSign, signature);

            int urlStart = builder.Length;
            builder.Append(_endpoint.UrlOrigin);
            builder.Append(_endpoint.PathPrefix);
            UriEncoder.AppendPath(ref builder, request.Key);
            builder.Append(AlgorithmAndKeyParams);
            UriEncoder.AppendQueryComponent(ref builder, credentials.AccessKeyId);
            builder.Append(SignTimeParam);
            builder.Append(keyTime);
            builder.Append(KeyTimeParam);
            builder.Append(keyTime);
            builder.Append(ListParams);
            for (int i = 0; i < parameters.Length; i++)
            {
                if (i > 0)
                {
                    builder.Append(ParamListSeparatorInUrl);
                }

                UriEncoder.AppendQueryComponent(ref builder, parameters[i].SignedName);
            }

            builder.Append(SignatureParam);
            Hex.WriteLower(signature, builder.AppendSpan(signature.Length * 2));

            // The token is not part of the signature; COS checks it against the key id.
            if (credentials.SessionToken is { Length: > 0 } token)
            {
                builder.Append(SecurityTokenParam);
                UriEncoder.AppendCosSecurityToken(ref builder, token);
            }

            // The URL keeps each name as given; only the signed form is lower-cased.
            foreach (SortedParameter parameter in parameters)
            {
                builder.Append('&');
                UriEncoder.AppendQueryComponent(ref builder, parameter.Name);
                builder.Append('=');
                UriEncoder.AppendQueryComponent(ref builder, parameter.Value);
            }

            if (trace is not null)
            {
                trace.KeyTime = keyTime.ToString();
                trace.SignKey = System.Text.Encoding.ASCII.GetString(signKey);
                trace.HttpString = builder.AsSpan(0, httpStringLength).ToString();
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

    /// <summary><c>SignKey = hex(HMAC-SHA1(SecretKey, KeyTime))</c>, as the ASCII bytes of the hex (COS keys the next HMAC with the hex text).</summary>
    internal static byte[] DeriveSignKey(string secretKey, ReadOnlySpan<char> keyTime)
    {
        int maxSecretBytes = Utf8Text.MaxByteCount(secretKey.Length);
        Span<byte> secret = maxSecretBytes <= SecretStackBytes ? stackalloc byte[SecretStackBytes] : new byte[maxSecretBytes];
        Span<byte> keyTimeBytes = stackalloc byte[KeyTimeMaxChars];
        Span<byte> mac = stackalloc byte[HMACSHA1.HashSizeInBytes];
        try
        {
            int secretLength = Utf8Text.GetBytes(secretKey, secret);
            int keyTimeLength = Utf8Text.GetBytes(keyTime, keyTimeBytes);
            HMACSHA1.HashData(secret[..secretLength], keyTimeBytes[..keyTimeLength], mac);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }

        byte[] signKey = new byte[SignKeyHexBytes];
        Hex.WriteLower(mac, signKey);
        return signKey;
    }

    private static int FormatKeyTime(long start, long end, Span<char> destination)
    {
        start.TryFormat(destination, out int written, provider: CultureInfo.InvariantCulture);
        destination[written++] = ';';
        end.TryFormat(destination[written..], out int endWritten, provider: CultureInfo.InvariantCulture);
        return written + endWritten;
    }

    private static int WriteStringToSign(ReadOnlySpan<char> keyTime, ReadOnlySpan<byte> httpStringHash, Span<byte> destination)
    {
        ReadOnlySpan<byte> prefix = "sha1\n"u8;
        prefix.CopyTo(destination);
        int length = prefix.Length;
        length += Utf8Text.GetBytes(keyTime, destination[length..]);
        destination[length++] = (byte)'\n';
        Hex.WriteLower(httpStringHash, destination.Slice(length, httpStringHash.Length * 2));
        length += httpStringHash.Length * 2;
        destination[length++] = (byte)'\n';
        return length;
    }

    // One entry is enough: KeyTime changes at most once a second, and a swap is one reference write.
    private byte[] GetSignKey(string secretKey, long start, long expirySeconds, ReadOnlySpan<char> keyTime)
    {
        SignKeyEntry? entry = Volatile.Read(ref _signKey);
        if (entry is not null
            && entry.Start == start
            && entry.ExpirySeconds == expirySeconds
            && string.Equals(entry.SecretKey, secretKey, StringComparison.Ordinal))
        {
            return entry.SignKey;
        }

        byte[] signKey = DeriveSignKey(secretKey, keyTime);
        Volatile.Write(ref _signKey, new SignKeyEntry(start, expirySeconds, secretKey, signKey));
        return signKey;
    }

    /// <summary>An immutable cache entry; readers see either the old or the new one, never a mix.</summary>
    private sealed class SignKeyEntry(long start, long expirySeconds, string secretKey, byte[] signKey)
    {
        public long Start { get; } = start;

        public long ExpirySeconds { get; } = expirySeconds;

        public string SecretKey { get; } = secretKey;

        public byte[] SignKey { get; } = signKey;
    }
}
