using Microsoft.IdentityModel.Tokens;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Gateway.Tests.Infrastructure;

/// <summary>
/// An identity provider's key endpoints on WireMock: OpenID discovery metadata and a JWKS of the keys it is given.
/// It counts what the gateway asks for, and can be made to fail.
/// </summary>
internal sealed class IdentityProviderStandIn : IDisposable
{
    public const string JwksPath = "/jwks";

    private readonly WireMockServer _server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });

    public IdentityProviderStandIn(params RsaSecurityKey[] keys)
    {
        _server.Given(Request.Create().WithPath("/.well-known/openid-configuration").UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json")
                .WithBody($$"""{ "issuer": "{{Issuer}}", "jwks_uri": "{{Issuer}}{{JwksPath}}" }"""));
        ServeKeys(keys);
    }

    /// <summary>Both the authority and the issuer its tokens name.</summary>
    public string Issuer => _server.Url!;

    public int JwksRequests => _server.LogEntries.Count(entry => entry.RequestMessage.Path == JwksPath);

    public int FailedRequests => _server.LogEntries.Count(entry => entry.ResponseMessage.StatusCode is int status && status >= 500);

    /// <summary>The gateway settings that take keys from this provider, beside whatever keys are configured.</summary>
    public Dictionary<string, string?> GatewaySettings() => new()
    {
        ["Authentication:Jwt:Authority"] = Issuer,
        ["Authentication:Jwt:RequireHttpsMetadata"] = "false",
        ["Authentication:Jwt:Issuer"] = Issuer,
    };

    /// <summary>The public part of <paramref name="key"/> as a JWKS entry.</summary>
    public static string PublicJwk(RsaSecurityKey key)
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.Rsa.ExportParameters(false)) { KeyId = key.KeyId });
        return $$"""{ "kty": "RSA", "use": "sig", "alg": "RS256", "kid": "{{jwk.Kid}}", "n": "{{jwk.N}}", "e": "{{jwk.E}}" }""";
    }

    /// <summary>From now on the JWKS holds exactly <paramref name="keys"/>.</summary>
    public void ServeKeys(params RsaSecurityKey[] keys) =>
        _server.Given(Request.Create().WithPath(JwksPath).UsingGet())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json")
                .WithBody($$"""{ "keys": [ {{string.Join(",", keys.Select(PublicJwk))}} ] }"""));

    /// <summary>From now on every request is answered 503.</summary>
    public void Fail()
    {
        _server.ResetMappings();
        _server.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(503));
    }

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
    }
}
