namespace Gateway.Authentication;

/// <summary>
/// Which identity-provider addresses the gateway accepts: https anywhere; http only with <c>RequireHttpsMetadata:
/// false</c> and only on loopback, where nobody else can read or change the metadata and keys on the way.
/// </summary>
internal static class AuthorityAddress
{
    /// <summary>Why <paramref name="authority"/> is refused, or null when it is accepted. The reason never repeats the address.</summary>
    public static string? Problem(Uri authority, bool requireHttpsMetadata)
    {
        if (!authority.IsAbsoluteUri || (authority.Scheme != Uri.UriSchemeHttps && authority.Scheme != Uri.UriSchemeHttp))
        {
            return "must be an absolute https URL";
        }

        if (authority.Scheme == Uri.UriSchemeHttps)
        {
            return null;
        }

        if (requireHttpsMetadata)
        {
            return "must be an absolute https URL (or set RequireHttpsMetadata to false for a provider on loopback)";
        }

        // Uri.IsLoopback: 127.0.0.0/8, ::1 and the name localhost.
        return authority.IsLoopback
            ? null
            : "is http on a host that is not loopback; RequireHttpsMetadata: false allows http only for 127.0.0.1, [::1] or localhost";
    }
}
