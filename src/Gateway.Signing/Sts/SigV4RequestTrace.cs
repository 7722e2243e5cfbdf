namespace Gateway.Signing.Sts;

/// <summary>The intermediate strings of one SigV4 request signature, filled in only when a test asks for them.</summary>
internal sealed class SigV4RequestTrace
{
    public string? CanonicalRequest { get; set; }

    public string? StringToSign { get; set; }

    public string? Signature { get; set; }
}
