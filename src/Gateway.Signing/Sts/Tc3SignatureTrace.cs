namespace Gateway.Signing.Sts;

/// <summary>The intermediate strings of one TC3 signature, filled in only when a test asks for them.</summary>
internal sealed class Tc3SignatureTrace
{
    public string? CanonicalRequest { get; set; }

    public string? StringToSign { get; set; }

    public string? Signature { get; set; }
}
