namespace Gateway.Signing;

/// <summary>What to sign: one method on one object key, valid from <see cref="SignedAt"/> for <see cref="ExpiresIn"/>.</summary>
/// <param name="Method">"GET" or "HEAD" (upper case).</param>
/// <param name="Key">The raw object key, not percent-encoded, without a leading slash.</param>
/// <param name="SignedAt">The signing time; the URL is valid from then.</param>
/// <param name="ExpiresIn">How long the URL stays valid. Whole seconds are used.</param>
/// <param name="QueryParameters">
/// Extra signed query parameters such as <c>response-content-disposition</c>, raw (not encoded); may be empty.
/// Names must be unique (for COS, ignoring case) and must not be the signature's own, such as <c>X-Amz-Signature</c>, <c>q-signature</c> or <c>x-cos-security-token</c>.
/// </param>
public readonly record struct PresignRequest(
    string Method,
    string Key,
    DateTimeOffset SignedAt,
    TimeSpan ExpiresIn,
    IReadOnlyList<KeyValuePair<string, string>>? QueryParameters = null);
