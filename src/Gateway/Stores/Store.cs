using Gateway.Signing;
using Gateway.Signing.Credentials;

namespace Gateway.Stores;

/// <summary>A configured storage backend: where it is, how to sign for it, and with which keys.</summary>
/// <param name="Name">The store's name in configuration.</param>
/// <param name="Provider">The signing protocol.</param>
/// <param name="Address">The bucket and the endpoint its signed URLs point at.</param>
/// <param name="Presigner">The protocol's presigner, bound to <paramref name="Address"/>.</param>
/// <param name="Credentials">Where the signing keys come from.</param>
internal sealed record Store(
    string Name,
    StoreProvider Provider,
    StoreAddress Address,
    IPresigner Presigner,
    ICredentialsProvider Credentials);
