using Gateway.Redirect;

namespace Gateway.Tests.Redirect;

public sealed class UrlLifetimeTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Clamp_PermanentCredentials_KeepsRouteLifetime() =>
        Assert.Equal(TimeSpan.FromMinutes(5), UrlLifetime.Clamp(TimeSpan.FromMinutes(5), Now, null));

    [Fact]
    public void Clamp_CredentialsOutliveRoute_KeepsRouteLifetime() =>
        Assert.Equal(TimeSpan.FromMinutes(5), UrlLifetime.Clamp(TimeSpan.FromMinutes(5), Now, Now.AddHours(1)));

    [Fact]
    public void Clamp_CredentialsExpireFirst_CutsToWholeSecondsLeft() =>
        Assert.Equal(TimeSpan.FromSeconds(90), UrlLifetime.Clamp(TimeSpan.FromMinutes(5), Now, Now.AddSeconds(90.9)));

    [Fact]
    public void Clamp_CredentialsExpired_ReturnsZero() =>
        Assert.Equal(TimeSpan.Zero, UrlLifetime.Clamp(TimeSpan.FromMinutes(5), Now, Now.AddSeconds(-1)));
}
