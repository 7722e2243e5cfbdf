namespace Gateway.Signing.SigV4;

/// <summary>The intermediate strings of one SigV4 signature, filled in only when a test asks for them.</summary>
internal sealed class SigV4SignatureTrace
{
    public string? CanonicalRequest { get; set; }

    public string? StringToSign { get; set; }

    public string? Signature { get; set; }
}
