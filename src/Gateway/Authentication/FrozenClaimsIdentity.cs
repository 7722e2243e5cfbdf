using System.Security.Claims;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.Authentication;

/// <summary>
/// A copy of a token's identity that many requests share: adding or removing a claim throws instead of changing the
/// claims of every other request with the same token. Claim types compare case-sensitively, as in the JWT handler's own
/// identity. <see cref="ClaimsIdentity.Clone"/> gives a copy that can change.
/// </summary>
internal sealed class FrozenClaimsIdentity(ClaimsIdentity identity) : CaseSensitiveClaimsIdentity(identity)
{
    public override void AddClaim(Claim claim) => throw Frozen();

    public override void AddClaims(IEnumerable<Claim?> claims) => throw Frozen();

    public override void RemoveClaim(Claim? claim) => throw Frozen();

    public override bool TryRemoveClaim(Claim? claim) => throw Frozen();

    private static InvalidOperationException Frozen() =>
        new("This identity belongs to a remembered token and is shared by its requests: its claims cannot change. Clone it first.");
}
