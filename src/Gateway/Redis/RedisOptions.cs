using System.ComponentModel.DataAnnotations;

namespace Gateway.Redis;

/// <summary>
/// <c>Gateway:Redis</c>: the state several instances share (signing limits, the Data Protection key ring). Off when
/// <see cref="Configuration"/> is empty: each instance then keeps its limits in memory and its keys as configured.
/// </summary>
internal sealed record RedisOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Gateway:Redis";

    /// <summary>A StackExchange.Redis configuration string (<c>host:port,password=...,ssl=true</c>); empty keeps every instance on its own.</summary>
    public string? Configuration { get; init; }

    /// <summary>Put before every key the gateway writes, so several gateways can share one Redis.</summary>
    [Required]
    [RegularExpression(@"^[A-Za-z0-9:._-]{1,64}$")]
    public string KeyPrefix { get; init; } = "gateway:";

    /// <summary>The longest a signing-limit check waits for Redis before the local fallback decides.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:05")]
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How many instances share the limits: while Redis is unreachable each one allows the configured rate divided by this.</summary>
    [Range(1, 1000)]
    public int ExpectedInstances { get; init; } = 1;

    /// <summary>A PKCS#12 file whose certificate encrypts the Data Protection keys stored in Redis; empty stores them unencrypted.</summary>
    public string? DataProtectionCertificate { get; init; }

    /// <summary>The password of <see cref="DataProtectionCertificate"/>, from secret configuration (environment or user secrets).</summary>
    public string? DataProtectionCertificatePassword { get; init; }

    /// <summary>True when Redis is configured.</summary>
    public bool IsEnabled => !string.IsNullOrWhiteSpace(Configuration);
}
