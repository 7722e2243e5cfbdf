using System.Collections.Frozen;
using Gateway.Signing.Cdn;
using Microsoft.Extensions.Options;

namespace Gateway.Cdn;

/// <summary>
/// The CDN signers, built once from validated <see cref="CdnOptions"/>: key files are read and the CloudFront key parsed
/// here, never per request.
/// </summary>
internal sealed class CdnRegistry : IDisposable
{
    private readonly FrozenDictionary<string, CdnSigner> _signers;

    public CdnRegistry(IOptions<CdnOptions> options)
    {
        var signers = new Dictionary<string, CdnSigner>(StringComparer.Ordinal);
        foreach (var (name, cdn) in options.Value.Cdns)
        {
            ICdnSigner signer = cdn.IsTencent
                ? new TencentCdnSigner(TencentSettings(cdn, Secret(cdn.AuthKey, cdn.AuthKeyFile)!))
                : CloudFrontSigner.Create(CloudFrontSettings(cdn), Secret(cdn.PrivateKey, cdn.PrivateKeyFile)!);
            signers[name] = new CdnSigner(signer, cdn.ClientAddressPrefix);
        }

        _signers = signers.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Returns the named CDN's signer; route validation guarantees it exists.</summary>
    public CdnSigner Get(string name) => _signers[name];

    public void Dispose()
    {
        foreach (var entry in _signers.Values)
        {
            (entry.Signer as IDisposable)?.Dispose();
        }
    }

    /// <summary>The secret given inline, or read from its file (a key file's surrounding whitespace is not part of it).</summary>
    internal static string? Secret(string? value, string? file) =>
        !string.IsNullOrEmpty(value) ? value : !string.IsNullOrEmpty(file) && File.Exists(file) ? File.ReadAllText(file).Trim() : null;

    internal static TencentCdnSettings TencentSettings(CdnSignerOptions cdn, string key) => new()
    {
        Type = cdn.Kind switch
        {
            CdnKind.TencentA => TencentCdnAuthType.A,
            CdnKind.TencentB => TencentCdnAuthType.B,
            CdnKind.TencentC => TencentCdnAuthType.C,
            _ => TencentCdnAuthType.D,
        },
        BaseUrl = cdn.BaseUrl!,
        Key = key,
        Validity = cdn.Validity ?? TimeSpan.Zero,
        SignParameter = cdn.SignParameter,
        TimestampParameter = cdn.TimestampParameter,
        HexTimestamp = cdn.HexTimestamp,
    };

    internal static CloudFrontSettings CloudFrontSettings(CdnSignerOptions cdn) => new()
    {
        BaseUrl = cdn.BaseUrl!,
        KeyPairId = cdn.KeyPairId!,
        StartTime = cdn.StartTime,
    };
}

/// <summary>A configured CDN's signer and the prefix length of the caller ranges it binds links to.</summary>
internal sealed record CdnSigner(ICdnSigner Signer, int ClientAddressPrefix);
