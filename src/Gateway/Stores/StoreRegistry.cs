using System.Collections.Frozen;
using Gateway.Configuration;
using Gateway.Signing;
using Gateway.Signing.Cos;
using Gateway.Signing.Credentials;
using Gateway.Signing.SigV4;
using Microsoft.Extensions.Options;

namespace Gateway.Stores;

/// <summary>The stores, built once from validated <see cref="GatewayOptions"/>.</summary>
internal sealed class StoreRegistry
{
    private readonly FrozenDictionary<string, Store> _stores;

    public StoreRegistry(IOptions<GatewayOptions> options)
    {
        _stores = options.Value.Stores.ToFrozenDictionary(
            pair => pair.Key,
            pair => Create(pair.Key, pair.Value),
            StringComparer.Ordinal);
    }

    /// <summary>All stores.</summary>
    public IEnumerable<Store> All => _stores.Values;

    /// <summary>Returns the named store; route validation guarantees it exists.</summary>
    public Store Get(string name) => _stores[name];

    private static Store Create(string name, StoreOptions options)
    {
        var address = new StoreAddress
        {
            Bucket = options.Bucket!,
            Region = options.Region!,
            Endpoint = options.Endpoint,
            ForcePathStyle = options.ForcePathStyle,
            PublicBaseUrl = options.PublicBaseUrl,
        };

        IPresigner presigner = options.Provider switch
        {
            StoreProviders.Cos => new CosPresigner(address),
            StoreProviders.S3 => new SigV4Presigner(address),
            _ => throw new InvalidOperationException($"Gateway:Stores:{name}:Provider is not supported."),
        };

        return new Store(name, options.Provider!, address, presigner, CreateCredentials(options.Credentials!));
    }

    private static StaticCredentialsProvider CreateCredentials(CredentialOptions options)
    {
        var secret = string.IsNullOrEmpty(options.SecretKeyFile)
            ? options.SecretKey!
            : File.ReadAllText(options.SecretKeyFile).Trim();

        return new StaticCredentialsProvider(new StorageCredentials
        {
            AccessKeyId = options.AccessKeyId!,
            SecretKey = secret,
            SessionToken = string.IsNullOrEmpty(options.SessionToken) ? null : options.SessionToken,
        });
    }
}
