namespace Gateway.Signing.Cdn;

/// <summary>Makes a link to an object on a CDN domain, signed with the CDN's own URL authentication.</summary>
public interface ICdnSigner
{
    /// <summary>The signer's name in audit records, such as <c>tencent-cdn-a</c> or <c>cloudfront</c>.</summary>
    string Kind { get; }

    /// <summary>The longest lifetime a link can have.</summary>
    TimeSpan MaxExpiry { get; }

    /// <summary>Whether the signature covers the query parameters; when false, a caller could change them.</summary>
    bool SignsQuery { get; }

    /// <summary>Whether the link can be bound to the caller's address (<see cref="CdnSignRequest.ClientAddressRange"/>).</summary>
    bool BindsClientAddress { get; }

    /// <summary>Returns the signed link for <paramref name="request"/> and when it stops working (never later than asked).</summary>
    /// <exception cref="ArgumentException">
    /// The key is empty or holds invalid UTF-16, the expiry is under one second or over <see cref="MaxExpiry"/>, a query
    /// parameter is unnamed or repeated, or an address range is given that the signer cannot bind. The message never
    /// holds a key or a secret.
    /// </exception>
    CdnLink Sign(in CdnSignRequest request);
}

/// <summary>What to sign for a CDN: one object key, valid from <see cref="SignedAt"/> for <see cref="ExpiresIn"/>.</summary>
/// <param name="Key">The raw object key, not percent-encoded, without a leading slash.</param>
/// <param name="SignedAt">The signing time.</param>
/// <param name="ExpiresIn">How long the link stays valid. Whole seconds are used.</param>
/// <param name="QueryParameters">Extra query parameters, raw (not encoded), kept in the given order; may be empty.</param>
/// <param name="ClientAddressRange">An IPv4 CIDR range the link is bound to, or null.</param>
public readonly record struct CdnSignRequest(
    string Key,
    DateTimeOffset SignedAt,
    TimeSpan ExpiresIn,
    IReadOnlyList<KeyValuePair<string, string>>? QueryParameters = null,
    string? ClientAddressRange = null);

/// <summary>A signed CDN link.</summary>
/// <param name="Url">The absolute URL on the CDN domain.</param>
/// <param name="ExpiresAt">When the CDN stops accepting it.</param>
public readonly record struct CdnLink(string Url, DateTimeOffset ExpiresAt);
