using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Configuration;

/// <summary>
/// The secrets of the committed demo configuration (<c>config/gateway.Development.json</c>): the HMAC key that signs
/// development tokens, and the demo stores' secret keys. Anyone can read them, so outside the Development environment
/// a configured secret equal to one of them stops start-up. Only their SHA-256 digests are kept here.
/// </summary>
internal static class DemoSecrets
{
    /// <summary>The validation error for a demo secret outside Development; it names no value.</summary>
    public const string Problem =
        "is a demo secret published with the gateway, which anyone can read: it is accepted only in the Development environment; configure a secret of your own";

    private static readonly HashSet<string> Digests = new(StringComparer.Ordinal)
    {
        "a46a923adaa824e06d86439b956f702d928067bc0c818ab81c0501d8206586be", // the development token key, as configured
        "ea5c4ab8c80c19e96183b8a0fd50cac141e7873573784cb23616ea09808cf14a", // the same key's bytes, however encoded
        "0f51b6ebe1b429d854767750901bfaea3094d44ee40a374430fa9e7f83b91198", // the demo COS store's secret
        "fc7322439f75eb4495fe7fa5a54b0bf6b87d0dea97e339735fee056c9b42f1c4", // s3rver's fixed secret, the demo S3 store's
    };

    /// <summary>True when <paramref name="secret"/>, as text or as the base64url key it encodes, is a demo secret.</summary>
    public static bool IsDemo(string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return false;
        }

        if (Digests.Contains(Digest(Encoding.UTF8.GetBytes(secret))))
        {
            return true;
        }

        try
        {
            return Digests.Contains(Digest(Base64UrlEncoder.DecodeBytes(secret)));
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static string Digest(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
