using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Gateway.Signing.Encoding;

namespace Gateway.Signing.Cdn;

/// <summary>Where a CloudFront distribution is and which key pair signs for it.</summary>
public sealed record CloudFrontSettings
{
    /// <summary>The distribution's domain (or alternate domain): http or https scheme and host, no path.</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>The id of the public key in the distribution's trusted key group (or a legacy key pair id).</summary>
    public required string KeyPairId { get; init; }

    /// <summary>Sign a custom policy whose start time (<c>DateGreaterThan</c>) is the signing time.</summary>
    public bool StartTime { get; init; }

    private static readonly SearchValues<char> s_keyIdChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");

    /// <summary>Every setting the signer would refuse, as (setting name, rule), never a value. Pure, for configuration validation.</summary>
    public IEnumerable<(string Setting, string Rule)> Problems()
    {
        if (BaseUrl is null || !StoreAddress.IsOrigin(BaseUrl))
        {
            yield return (nameof(BaseUrl), "must be an absolute http or https URL with no path, query or user info");
        }

        if (KeyPairId is not { Length: >= 1 and <= 128 } || KeyPairId.AsSpan().ContainsAnyExcept(s_keyIdChars))
        {
            yield return (nameof(KeyPairId), "must be a CloudFront public key id: letters and digits");
        }
    }
}

/// <summary>
/// Signs CloudFront URLs: a canned policy (<c>Expires</c>), or a custom policy (<c>Policy</c>) with a start time or an
/// IPv4 range, each with RSA-SHA1 (PKCS#1 v1.5) and CloudFront's URL-safe base64. The policy's resource is the exact
/// URL, query included. The RSA key is parsed once; OpenSSL signs with a fresh context per call, so one key object
/// serves concurrent requests. Thread-safe; one instance per distribution.
/// </summary>
public sealed class CloudFrontSigner : ICdnSigner, IDisposable
{
    /// <summary>The smallest RSA key CloudFront accepts.</summary>
    public const int MinKeySize = 2048;

    private const int StackChars = 2048;
    private const int MaxSignatureBytes = 1024; // an RSA key of up to 8192 bits
    private const string ExpiresParam = "Expires=";
    private const string PolicyParam = "Policy=";
    private const string KeyPairIdParam = "&Key-Pair-Id=";
    private const string SignatureParam = "&Signature=";
    private const string PolicyStart = "{\"Statement\":[{\"Resource\":\"";
    private const string ConditionStart = "\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":";
    private const string StartTimeCondition = "},\"DateGreaterThan\":{\"AWS:EpochTime\":";
    private const string IpCondition = "},\"IpAddress\":{\"AWS:SourceIp\":\"";
    private const string PolicyEnd = "}}}]}";

    private static readonly TimeSpan s_maxExpiry = TimeSpan.FromDays(7);
    private static readonly string[] s_reservedNames = ["Expires", "Policy", "Signature", "Key-Pair-Id"];

    private readonly RSA _key;
    private readonly string _origin;
    private readonly string _keyPairId;
    private readonly bool _startTime;

    private CloudFrontSigner(CloudFrontSettings settings, RSA key)
    {
        foreach ((string setting, string rule) in settings.Problems())
        {
            throw new ArgumentException($"{setting} {rule}.", nameof(settings));
        }

        _key = key;
        _origin = CdnOrigin.From(settings.BaseUrl, nameof(settings.BaseUrl));
        _keyPairId = settings.KeyPairId;
        _startTime = settings.StartTime;
    }

    /// <summary>Creates a signer with the RSA private key in <paramref name="privateKeyPem"/> (PKCS#8 or PKCS#1 PEM).</summary>
    /// <exception cref="ArgumentException">A setting or the key is invalid; the message never holds the key.</exception>
    public static CloudFrontSigner Create(CloudFrontSettings settings, string privateKeyPem)
    {
        ArgumentNullException.ThrowIfNull(settings);
        RSA key = ImportKey(privateKeyPem, out string? problem) ?? throw new ArgumentException(problem, nameof(privateKeyPem));
        try
        {
            return new CloudFrontSigner(settings, key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>What is wrong with <paramref name="privateKeyPem"/>, never quoting it, or null when it is a usable RSA private key.</summary>
    public static string? KeyProblem(string? privateKeyPem)
    {
        using RSA? key = ImportKey(privateKeyPem, out string? problem);
        return problem;
    }

    /// <summary>"cloudfront".</summary>
    public string Kind => "cloudfront";

    /// <summary>Seven days: gateway policy, as for pre-signed URLs.</summary>
    public TimeSpan MaxExpiry => s_maxExpiry;

    /// <summary>True: the policy's resource is the whole URL.</summary>
    public bool SignsQuery => true;

    /// <summary>True: a custom policy can carry an IPv4 range.</summary>
    public bool BindsClientAddress => true;

    /// <inheritdoc />
    public CdnLink Sign(in CdnSignRequest request)
    {
        long expirySeconds = CdnOrigin.Validate(request, s_maxExpiry);
        long start = request.SignedAt.ToUnixTimeSeconds();
        long expires = start + expirySeconds;
        string? range = request.ClientAddressRange is null ? null : CanonicalRange(request.ClientAddressRange);
        bool custom = _startTime || range is not null;

        var builder = new ValueStringBuilder(stackalloc char[StackChars]);
        try
        {
            builder.Append(_origin);
            CdnOrigin.AppendPathAndQuery(ref builder, request, s_reservedNames);
            int resourceLength = builder.Length;
            bool hasQuery = builder.AsSpan(0, resourceLength).Contains('?');

            // The policy: plain ASCII, no JSON escaping needed (the resource is percent-encoded, the range canonical).
            int policyStart = builder.Length;
            builder.Append(PolicyStart);
            builder.AppendCopy(0, resourceLength);
            builder.Append(ConditionStart);
            AppendNumber(ref builder, expires);
            if (_startTime)
            {
                builder.Append(StartTimeCondition);
                AppendNumber(ref builder, start);
            }

            if (range is not null)
            {
                builder.Append(IpCondition);
                builder.Append(range);
                builder.Append('"');
            }

            builder.Append(PolicyEnd);
            int policyLength = builder.Length - policyStart;

            byte[]? rented = null;
            Span<byte> policy = policyLength <= StackChars ? stackalloc byte[StackChars] : (rented = ArrayPool<byte>.Shared.Rent(policyLength));
            try
            {
                policy = policy[..Utf8Text.GetBytes(builder.AsSpan(policyStart, policyLength), policy)];
                Span<byte> signature = stackalloc byte[MaxSignatureBytes];
#pragma warning disable CA5350 // CloudFront signed URLs are defined with RSA-SHA1.
                if (!_key.TrySignData(policy, signature, HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1, out int signatureLength))
#pragma warning restore CA5350
                {
                    throw new CryptographicException("The signature does not fit its buffer.");
                }

                int urlStart = builder.Length;
                builder.AppendCopy(0, resourceLength);
                builder.Append(hasQuery ? '&' : '?');
                if (custom)
                {
                    builder.Append(PolicyParam);
                    AppendCloudFrontBase64(ref builder, policy);
                }
                else
                {
                    builder.Append(ExpiresParam);
                    AppendNumber(ref builder, expires);
                }

                builder.Append(KeyPairIdParam);
                builder.Append(_keyPairId);
                builder.Append(SignatureParam);
                AppendCloudFrontBase64(ref builder, signature[..signatureLength]);
                return new CdnLink(builder.ToString(urlStart), DateTimeOffset.FromUnixTimeSeconds(expires));
            }
            finally
            {
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }
        finally
        {
            builder.Dispose();
        }
    }

    public void Dispose() => _key.Dispose();

    private static RSA? ImportKey(string? pem, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(pem))
        {
            problem = "The CloudFront private key is empty.";
            return null;
        }

        RSA key = RSA.Create();
        try
        {
            key.ImportFromPem(pem);
            if (key.KeySize < MinKeySize)
            {
                problem = $"The CloudFront private key must be RSA of at least {MinKeySize} bits.";
            }
            else
            {
                // A public key imports too, but cannot sign.
                Span<byte> probe = stackalloc byte[MaxSignatureBytes];
                _ = key.TrySignData("probe"u8, probe, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1, out _);
            }
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            problem = "The CloudFront private key is not an RSA private key in PEM (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY).";
        }

        if (problem is null)
        {
            return key;
        }

        key.Dispose();
        return null;
    }

    // CloudFront's IpAddress condition takes IPv4 CIDR ranges only.
    private static string CanonicalRange(string range) =>
        IPNetwork.TryParse(range, out IPNetwork network) && network.BaseAddress.AddressFamily == AddressFamily.InterNetwork
            ? network.ToString()
            : throw new ArgumentException("The address range must be an IPv4 CIDR range such as 203.0.113.0/24.", nameof(range));

    private static void AppendNumber(ref ValueStringBuilder builder, long value)
    {
        Span<char> digits = stackalloc char[20];
        value.TryFormat(digits, out int written, provider: CultureInfo.InvariantCulture);
        builder.Append(digits[..written]);
    }

    // Base64 with '+' → '-', '=' → '_', '/' → '~', as CloudFront reads it.
    private static void AppendCloudFrontBase64(ref ValueStringBuilder builder, ReadOnlySpan<byte> bytes)
    {
        Span<char> chars = builder.AppendSpan(((bytes.Length + 2) / 3) * 4);
        Convert.TryToBase64Chars(bytes, chars, out _);
        chars.Replace('+', '-');
        chars.Replace('=', '_');
        chars.Replace('/', '~');
    }
}
