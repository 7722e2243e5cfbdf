using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.Options;

namespace Gateway.Redis;

/// <summary>
/// Puts the Data Protection key ring in Redis when <c>Gateway:Redis:Configuration</c> is set, so that every instance
/// reads and writes the same keys and a cookie from one opens on all. The connection is the gateway's one, opened at
/// start-up; the key ring is read when first used and then cached by Data Protection.
/// </summary>
internal sealed class RedisKeyRing(RedisConnection connection) : IConfigureOptions<KeyManagementOptions>
{
    /// <summary>The Redis list that holds the key ring, after the key prefix.</summary>
    public const string KeyRingKey = "data-protection-keys";

    public void Configure(KeyManagementOptions options)
    {
        if (connection.IsEnabled)
        {
            options.XmlRepository = new RedisXmlRepository(connection.GetDatabase, connection.KeyPrefix + KeyRingKey);
        }
    }

    /// <summary>Reads a PKCS#12 file with its private key.</summary>
    public static X509Certificate2 Load(string file, string? password) => X509CertificateLoader.LoadPkcs12FromFile(file, password);

    /// <summary>The certificate that encrypts the keys at rest, or null when none is configured or it cannot be read (which validation reports).</summary>
    public static X509Certificate2? TryLoad(string file, string? password)
    {
        try
        {
            return File.Exists(file) ? Load(file, password) : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
