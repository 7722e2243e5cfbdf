using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using Gateway.Signing.Encoding;

namespace Gateway.Signing.Cdn;

/// <summary>Tencent CDN (and EdgeOne) URL authentication types, as Tencent's documentation names them.</summary>
public enum TencentCdnAuthType
{
    /// <summary><c>/path?sign=timestamp-rand-uid-md5(path-timestamp-rand-uid-key)</c>, decimal timestamp.</summary>
    A,

    /// <summary><c>/timestamp/md5(key+timestamp+path)/path</c>, timestamp <c>YYYYMMDDHHMM</c> in UTC+8.</summary>
    B,

    /// <summary><c>/md5(key+path+timestamp)/timestamp/path</c>, hexadecimal timestamp.</summary>
    C,

    /// <summary><c>/path?sign=md5(key+path+timestamp)&amp;t=timestamp</c>, decimal or hexadecimal timestamp.</summary>
    D,
}

/// <summary>How a Tencent CDN domain checks its links; the same values as in the CDN console.</summary>
public sealed record TencentCdnSettings
{
    /// <summary>The authentication type.</summary>
    public required TencentCdnAuthType Type { get; init; }

    /// <summary>The CDN domain: http or https scheme and host, no path.</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>The authentication key: 6 to 40 letters and digits.</summary>
    public required string Key { get; init; }

    /// <summary>The console's validity: the CDN accepts a link until its timestamp plus this.</summary>
    public required TimeSpan Validity { get; init; }

    /// <summary>The signature's query parameter (types A and D).</summary>
    public string SignParameter { get; init; } = "sign";

    /// <summary>The timestamp's query parameter (type D).</summary>
    public string TimestampParameter { get; init; } = "t";

    /// <summary>Type D only: the timestamp in hexadecimal rather than decimal.</summary>
    public bool HexTimestamp { get; init; }

    /// <summary>Type A's user id; Tencent does not use it and documents <c>0</c>.</summary>
    public string Uid { get; init; } = "0";

    /// <summary>The longest validity the console accepts (20 years).</summary>
    public static readonly TimeSpan MaxValidity = TimeSpan.FromSeconds(630_720_000);

    private static readonly SearchValues<char> s_alphanumeric =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");

    private static readonly SearchValues<char> s_parameterChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");

    /// <summary>Every setting the signer would refuse, as (setting name, rule), never a value. Pure, for configuration validation.</summary>
    public IEnumerable<(string Setting, string Rule)> Problems()
    {
        if (!Enum.IsDefined(Type))
        {
            yield return (nameof(Type), "must be A, B, C or D");
        }

        if (BaseUrl is null || !StoreAddress.IsOrigin(BaseUrl))
        {
            yield return (nameof(BaseUrl), "must be an absolute http or https URL with no path, query or user info");
        }

        if (Key is not { Length: >= 6 and <= 40 } || Key.AsSpan().ContainsAnyExcept(s_alphanumeric))
        {
            yield return (nameof(Key), "must be 6 to 40 letters and digits, as the CDN console requires");
        }

        if (Validity < TimeSpan.FromSeconds(1) || Validity > MaxValidity)
        {
            yield return (nameof(Validity), "must be from 1 second to 630720000 seconds, the CDN console's validity");
        }

        if (SignParameter is not { Length: >= 1 and <= 100 } || SignParameter.AsSpan().ContainsAnyExcept(s_parameterChars))
        {
            yield return (nameof(SignParameter), "must be 1 to 100 letters, digits or '_'");
        }

        if (TimestampParameter is not { Length: >= 1 and <= 100 } || TimestampParameter.AsSpan().ContainsAnyExcept(s_parameterChars)
            || (Type == TencentCdnAuthType.D && string.Equals(TimestampParameter, SignParameter, StringComparison.Ordinal)))
        {
            yield return (nameof(TimestampParameter), "must be 1 to 100 letters, digits or '_', and differ from SignParameter");
        }

        if (Uid is not { Length: >= 1 and <= 64 } || Uid.AsSpan().ContainsAnyExcept(s_alphanumeric))
        {
            yield return (nameof(Uid), "must be 1 to 64 letters and digits");
        }
    }
}

/// <summary>
/// Signs links for a Tencent CDN domain with URL authentication type A, B, C or D. The CDN accepts a link until its
/// timestamp plus the console's validity, so the timestamp is set back to make the link expire when asked. The hashed
/// path is the percent-encoded path the client sends. Thread-safe; one instance per CDN domain.
/// </summary>
public sealed class TencentCdnSigner : ICdnSigner
{
    private const int RandBytes = 8; // 16 hex digits: type A's rand is letters and digits, and only has to differ
    private const int RandomBufferBytes = 256;
    private const int StackChars = 2048;

    // Random bytes drawn a buffer at a time: one generator call per 32 links rather than one each.
    [ThreadStatic]
    private static byte[]? t_random;

    [ThreadStatic]
    private static int t_randomUsed;

    // Type B's timestamp is Beijing time.
    private static readonly TimeSpan s_typeBOffset = TimeSpan.FromHours(8);

    private readonly TencentCdnSettings _settings;
    private readonly string _origin;
    private readonly string[] _reservedNames;

    /// <summary>Creates a signer for the CDN domain in <paramref name="settings"/>.</summary>
    /// <exception cref="ArgumentException">A setting is invalid (see <see cref="TencentCdnSettings.Problems"/>).</exception>
    public TencentCdnSigner(TencentCdnSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        foreach ((string setting, string rule) in settings.Problems())
        {
            throw new ArgumentException($"{setting} {rule}.", nameof(settings));
        }

        _settings = settings;
        _origin = CdnOrigin.From(settings.BaseUrl, nameof(settings.BaseUrl));
        _reservedNames = settings.Type switch
        {
            TencentCdnAuthType.A => [settings.SignParameter],
            TencentCdnAuthType.D => [settings.SignParameter, settings.TimestampParameter],
            _ => [],
        };
        Kind = "tencent-cdn-" + settings.Type.ToString().ToLowerInvariant();
    }

    /// <inheritdoc />
    public string Kind { get; }

    /// <summary>The console's validity: a link cannot outlive its timestamp by more.</summary>
    public TimeSpan MaxExpiry => _settings.Validity;

    /// <summary>False: Tencent's URL authentication hashes the path only.</summary>
    public bool SignsQuery => false;

    /// <inheritdoc />
    public bool BindsClientAddress => false;

    /// <inheritdoc />
    public CdnLink Sign(in CdnSignRequest request)
    {
        if (_settings.Type != TencentCdnAuthType.A)
        {
            return Sign(request, rand: []);
        }

        Span<char> rand = stackalloc char[RandBytes * 2];
        Hex.WriteLower(NextRandomBytes(), rand);
        return Sign(request, rand);
    }

    private static ReadOnlySpan<byte> NextRandomBytes()
    {
        byte[]? buffer = t_random;
        if (buffer is null || t_randomUsed + RandBytes > buffer.Length)
        {
            buffer = t_random ??= new byte[RandomBufferBytes];
            RandomNumberGenerator.Fill(buffer);
            t_randomUsed = 0;
        }

        ReadOnlySpan<byte> next = buffer.AsSpan(t_randomUsed, RandBytes);
        t_randomUsed += RandBytes;
        return next;
    }

    /// <summary>Signs with the given type-A random string (tests pin it).</summary>
    internal CdnLink Sign(in CdnSignRequest request, scoped ReadOnlySpan<char> rand)
    {
        long expirySeconds = CdnOrigin.Validate(request, _settings.Validity);
        if (request.ClientAddressRange is not null)
        {
            throw new ArgumentException("Tencent CDN links cannot be bound to an address.", nameof(request));
        }

        long validity = _settings.Validity.Ticks / TimeSpan.TicksPerSecond;
        long timestamp = request.SignedAt.ToUnixTimeSeconds() + expirySeconds - validity;
        if (_settings.Type == TencentCdnAuthType.B)
        {
            // Minute precision: round down so the link never outlives what was asked, unless that leaves it none.
            long floored = timestamp - (timestamp % 60);
            timestamp = floored + validity > request.SignedAt.ToUnixTimeSeconds() ? floored : floored + 60;
        }

        var builder = new ValueStringBuilder(stackalloc char[StackChars]);
        try
        {
            // The URL's path and query come first in the buffer; the hashed text and the final URL follow it.
            CdnOrigin.AppendPathAndQuery(ref builder, request, _reservedNames);
            int queryStart = builder.AsSpan(0, builder.Length).IndexOf('?');
            int pathLength = queryStart < 0 ? builder.Length : queryStart;
            int pathAndQueryLength = builder.Length;

            Span<char> stamp = stackalloc char[20];
            int stampLength = FormatTimestamp(timestamp, stamp);
            ReadOnlySpan<char> stampText = stamp[..stampLength];

            int hashInputStart = builder.Length;
            switch (_settings.Type)
            {
                case TencentCdnAuthType.A:
                    builder.AppendCopy(0, pathLength);
                    builder.Append('-');
                    builder.Append(stampText);
                    builder.Append('-');
                    builder.Append(rand);
                    builder.Append('-');
                    builder.Append(_settings.Uid);
                    builder.Append('-');
                    builder.Append(_settings.Key);
                    break;
                case TencentCdnAuthType.B:
                    builder.Append(_settings.Key);
                    builder.Append(stampText);
                    builder.AppendCopy(0, pathLength);
                    break;
                default:
                    builder.Append(_settings.Key);
                    builder.AppendCopy(0, pathLength);
                    builder.Append(stampText);
                    break;
            }

            Span<char> md5Hex = stackalloc char[MD5.HashSizeInBytes * 2];
            Md5Hex(builder.AsSpan(hashInputStart, builder.Length - hashInputStart), md5Hex);

            int urlStart = builder.Length;
            builder.Append(_origin);
            switch (_settings.Type)
            {
                case TencentCdnAuthType.A:
                    builder.AppendCopy(0, pathAndQueryLength);
                    AppendParameterStart(ref builder, queryStart, _settings.SignParameter);
                    builder.Append(stampText);
                    builder.Append('-');
                    builder.Append(rand);
                    builder.Append('-');
                    builder.Append(_settings.Uid);
                    builder.Append('-');
                    builder.Append(md5Hex);
                    break;
                case TencentCdnAuthType.B:
                    builder.Append('/');
                    builder.Append(stampText);
                    builder.Append('/');
                    builder.Append(md5Hex);
                    builder.AppendCopy(0, pathAndQueryLength);
                    break;
                case TencentCdnAuthType.C:
                    builder.Append('/');
                    builder.Append(md5Hex);
                    builder.Append('/');
                    builder.Append(stampText);
                    builder.AppendCopy(0, pathAndQueryLength);
                    break;
                default:
                    builder.AppendCopy(0, pathAndQueryLength);
                    AppendParameterStart(ref builder, queryStart, _settings.SignParameter);
                    builder.Append(md5Hex);
                    builder.Append('&');
                    builder.Append(_settings.TimestampParameter);
                    builder.Append('=');
                    builder.Append(stampText);
                    break;
            }

            return new CdnLink(builder.ToString(urlStart), DateTimeOffset.FromUnixTimeSeconds(timestamp + validity));
        }
        finally
        {
            builder.Dispose();
        }
    }

    private static void AppendParameterStart(ref ValueStringBuilder builder, int queryStart, string name)
    {
        builder.Append(queryStart < 0 ? '?' : '&');
        builder.Append(name);
        builder.Append('=');
    }

    private int FormatTimestamp(long timestamp, Span<char> destination)
    {
        int written;
        switch (_settings.Type)
        {
            case TencentCdnAuthType.B:
                DateTimeOffset.FromUnixTimeSeconds(timestamp).ToOffset(s_typeBOffset)
                    .TryFormat(destination, out written, "yyyyMMddHHmm", CultureInfo.InvariantCulture);
                return written;
            case TencentCdnAuthType.C:
            case TencentCdnAuthType.D when _settings.HexTimestamp:
                timestamp.TryFormat(destination, out written, "x", CultureInfo.InvariantCulture);
                return written;
            default:
                timestamp.TryFormat(destination, out written, provider: CultureInfo.InvariantCulture);
                return written;
        }
    }

    // MD5 is what the CDN checks; the text is ASCII (an encoded path, digits, letters), so its UTF-8 is one byte a char.
#pragma warning disable CA5351 // Tencent's URL authentication is defined with MD5.
    private static void Md5Hex(scoped ReadOnlySpan<char> text, Span<char> destination)
    {
        byte[]? rented = null;
        int maxBytes = Utf8Text.MaxByteCount(text.Length);
        Span<byte> bytes = maxBytes <= StackChars ? stackalloc byte[StackChars] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        int length = 0;
        try
        {
            length = Utf8Text.GetBytes(text, bytes);
            Span<byte> hash = stackalloc byte[MD5.HashSizeInBytes];
            MD5.HashData(bytes[..length], hash);
            Hex.WriteLower(hash, destination);
        }
        finally
        {
            // The text holds the authentication key.
            CryptographicOperations.ZeroMemory(bytes[..length]);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
#pragma warning restore CA5351
}
