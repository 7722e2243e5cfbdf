namespace Gateway.Signing.Cos;

/// <summary>The intermediate strings of one COS signature, filled in only when a test asks for them.</summary>
internal sealed class CosSignatureTrace
{
    public string? KeyTime { get; set; }

    public string? SignKey { get; set; }

    public string? HttpString { get; set; }

    public string? StringToSign { get; set; }

    public string? Signature { get; set; }
}
