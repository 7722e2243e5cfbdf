using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Gateway.Tests.Hardening;

/// <summary>
/// Token attacks that need public keys: a gateway whose keys come from an authority's JWKS (WireMock) and from a
/// configured RSA public key, beside the development HMAC key, so HS256 is genuinely accepted. No public key may act
/// as an HMAC secret, no token may bring or point at its own key, and the gateway never fetches a URL a token names.
/// </summary>
public sealed class KeyConfusionTests(AuthorityGateway authority) : IClassFixture<AuthorityGateway>
{
    private const string Invalid = "Bearer error=\"invalid_token\"";

    private static readonly (string Name, Func<AuthorityGateway, BadInputCase> Build)[] Cases =
    [
        Accepted("RS256 by the authority's key", g => g.Token(g.AuthorityKey, SecurityAlgorithms.RsaSha256)),
        Accepted("RS256 by the configured partner key", g => g.Token(g.PartnerKey, SecurityAlgorithms.RsaSha256)),
        Accepted("HS256 by the configured HMAC key", g => g.Hmac(TestTokens.DevKey.Key, "dev")),
        Refused("HS256 keyed with the authority key's PEM", g => g.Hmac(Encoding.ASCII.GetBytes(g.AuthorityKey.Rsa.ExportSubjectPublicKeyInfoPem()), AuthorityGateway.AuthorityKeyId)),
        Refused("HS256 keyed with the authority key's PEM and a newline", g => g.Hmac(Encoding.ASCII.GetBytes(g.AuthorityKey.Rsa.ExportSubjectPublicKeyInfoPem() + "\n"), AuthorityGateway.AuthorityKeyId)),
        Refused("HS256 keyed with the authority key's DER", g => g.Hmac(g.AuthorityKey.Rsa.ExportSubjectPublicKeyInfo(), AuthorityGateway.AuthorityKeyId)),
        Refused("HS256 keyed with the authority key's modulus", g => g.Hmac(g.AuthorityKey.Rsa.ExportParameters(false).Modulus!, AuthorityGateway.AuthorityKeyId)),
        Refused("HS256 keyed with the authority key's JWK", g => g.Hmac(Encoding.UTF8.GetBytes(g.AuthorityJwk), AuthorityGateway.AuthorityKeyId)),
        Refused("HS256 keyed with the partner key's PEM", g => g.Hmac(Encoding.ASCII.GetBytes(g.PartnerPem), AuthorityGateway.PartnerKeyId)),
        Refused("HS256 keyed with the partner key's PEM, without kid", g => g.Hmac(Encoding.ASCII.GetBytes(g.PartnerPem), kid: null)),
        Refused("alg=none with the authority key's kid", g => Jwt.WithHeader(g.Token(g.AuthorityKey, SecurityAlgorithms.RsaSha256), new() { ["alg"] = "none", ["kid"] = AuthorityGateway.AuthorityKeyId }, keepSignature: false)),
        Refused("RS256 signature under an RS512 header", g => Jwt.WithHeader(g.Token(g.AuthorityKey, SecurityAlgorithms.RsaSha256), new() { ["alg"] = "RS512", ["kid"] = AuthorityGateway.AuthorityKeyId }, keepSignature: true)),
        Refused("RS256 by an attacker's key with an unknown kid", g => g.Token(g.AttackerKey, SecurityAlgorithms.RsaSha256)),
        Refused("RS256 by an attacker's key with the authority's kid", g => g.Token(new RsaSecurityKey(g.AttackerKey.Rsa) { KeyId = AuthorityGateway.AuthorityKeyId }, SecurityAlgorithms.RsaSha256)),
        Refused("PS256 by an attacker's key with the authority's kid", g => g.Token(new RsaSecurityKey(g.AttackerKey.Rsa) { KeyId = AuthorityGateway.AuthorityKeyId }, SecurityAlgorithms.RsaSsaPssSha256)),
        Refused("ES256 by an attacker's EC key with the authority's kid", g => g.Token(new ECDsaSecurityKey(g.AttackerEcKey) { KeyId = AuthorityGateway.AuthorityKeyId }, SecurityAlgorithms.EcdsaSha256)),
        Refused("jku naming the attacker's JWKS", g => g.Token(g.AttackerKey, SecurityAlgorithms.RsaSha256, new() { ["jku"] = g.Attacker.Url + "/jwks" })),
        Refused("x5u naming the attacker's certificate", g => g.Token(g.AttackerKey, SecurityAlgorithms.RsaSha256, new() { ["x5u"] = g.Attacker.Url + "/cert.pem" })),
        Refused("the attacker's key embedded as jwk", g => g.Token(g.AttackerKey, SecurityAlgorithms.RsaSha256, new() { ["jwk"] = g.AttackerJwk })),
        Refused("RS256 by the authority's key, expired", g => g.Token(g.AuthorityKey, SecurityAlgorithms.RsaSha256, expires: DateTime.UtcNow.AddMinutes(-5))),
        Refused("RS256 by the authority's key, for another audience", g => g.Token(g.AuthorityKey, SecurityAlgorithms.RsaSha256, audience: "another-api")),
    ];

    public static TheoryData<string> Names() => [.. Cases.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Token_KeyConfusion_AnswersExactlyTheSafeResult(string name)
    {
        var @case = Cases.Single(c => c.Name == name).Build(authority);

        var exchange = await RawHttp.SendAsync(authority.Gateway.Address, @case.ToRequest(authority.Gateway.Address), @case.Method);

        SafeAnswer.Check(@case, exchange, authority.StoreOrigin);
        Assert.Empty(authority.Attacker.LogEntries);
    }

    private static (string, Func<AuthorityGateway, BadInputCase>) Accepted(string what, Func<AuthorityGateway, string> token) =>
        ($"key confusion: {what}", g => new($"key confusion: {what}", 302)
        {
            Target = "/files/acme/x", Token = token(g), Signed = new SignedTarget(StoreEndpoint.S3, "tenants/acme/", "x"),
        });

    private static (string, Func<AuthorityGateway, BadInputCase>) Refused(string what, Func<AuthorityGateway, string> token) =>
        ($"key confusion: {what}", g => new($"key confusion: {what}", 401) { Target = "/files/acme/x", Token = token(g), Challenge = Invalid });
}

/// <summary>
/// A gateway with three kinds of keys (an authority's JWKS, a configured RSA public key, the development HMAC key),
/// the WireMock authority serving the JWKS, and an attacker's server that must never be asked for anything.
/// </summary>
public sealed class AuthorityGateway : IAsyncLifetime
{
    internal const string AuthorityKeyId = "op-key-1";
    internal const string PartnerKeyId = "partner-1";

    private static readonly Dictionary<string, object> Claims = new() { ["sub"] = "alice", ["tenant"] = "acme", ["scope"] = "storage:read" };

    private GatewayHost? _gateway;

    internal RsaSecurityKey AuthorityKey { get; } = new(RSA.Create(2048)) { KeyId = AuthorityKeyId };

    internal RsaSecurityKey PartnerKey { get; } = new(RSA.Create(2048)) { KeyId = PartnerKeyId };

    internal RsaSecurityKey AttackerKey { get; } = new(RSA.Create(2048)) { KeyId = "attacker-1" };

    internal ECDsa AttackerEcKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private IdentityProviderStandIn? _provider;

    /// <summary>Serves the attacker's keys; any request it receives is a failure.</summary>
    internal WireMockServer Attacker { get; } = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });

    internal GatewayHost Gateway => _gateway ?? throw new InvalidOperationException("Not started.");

    internal string Issuer => _provider?.Issuer ?? throw new InvalidOperationException("Not started.");

    /// <summary>The committed demo-s3 endpoint: this gateway signs for it without talking to it.</summary>
    internal Uri StoreOrigin { get; private set; } = null!;

    internal string PartnerPem => PartnerKey.Rsa.ExportSubjectPublicKeyInfoPem();

    /// <summary>The authority key's public JWK as the JWKS serves it.</summary>
    internal string AuthorityJwk { get; private set; } = "";

    internal Dictionary<string, object> AttackerJwk { get; private set; } = [];

    public async Task InitializeAsync()
    {
        _provider = new IdentityProviderStandIn(AuthorityKey);
        AuthorityJwk = IdentityProviderStandIn.PublicJwk(AuthorityKey);
        var attackerJwk = IdentityProviderStandIn.PublicJwk(AttackerKey);
        AttackerJwk = JsonSerializer.Deserialize<Dictionary<string, object>>(attackerJwk)!;
        Attacker.Given(Request.Create().UsingAnyMethod())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody($$"""{ "keys": [ {{attackerJwk}} ] }"""));

        var settings = _provider.GatewaySettings();
        // Beside the committed development HMAC key (index 0).
        settings["Authentication:Jwt:SigningKeys:1:KeyId"] = PartnerKeyId;
        settings["Authentication:Jwt:SigningKeys:1:PublicKeyPem"] = PartnerPem;
        _gateway = await GatewayHost.StartAsync(settings);
        StoreOrigin = new Uri(Gateway.Services.GetRequiredService<IConfiguration>()["Gateway:Stores:demo-s3:Endpoint"]!);
    }

    /// <summary>A token signed by <paramref name="key"/> with <paramref name="algorithm"/>, with extra header fields.</summary>
    internal string Token(SecurityKey key, string algorithm, Dictionary<string, object>? header = null, DateTime? expires = null, string audience = TestTokens.Audience)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            IssuedAt = (expires ?? now.AddMinutes(10)).AddMinutes(-10),
            NotBefore = (expires ?? now.AddMinutes(10)).AddMinutes(-10),
            Expires = expires ?? now.AddMinutes(10),
            Claims = Claims,
            AdditionalHeaderClaims = header,
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
    }

    /// <summary>An HS256 token keyed with whatever bytes the attacker has, with the given <c>kid</c> (or none).</summary>
    internal string Hmac(byte[] key, string? kid) =>
        Jwt.Signed(Claims, new() { ["iss"] = Issuer }, new() { ["kid"] = kid }, key);

    public async Task DisposeAsync()
    {
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }

        _provider?.Dispose();
        Attacker.Stop();
        Attacker.Dispose();
        AuthorityKey.Rsa.Dispose();
        PartnerKey.Rsa.Dispose();
        AttackerKey.Rsa.Dispose();
        AttackerEcKey.Dispose();
    }
}
