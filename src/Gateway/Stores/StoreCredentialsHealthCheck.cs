using Gateway.Signing.Credentials;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Stores;

/// <summary>Ready only while every store holds valid signing keys: a store whose temporary keys expired cannot sign.</summary>
internal sealed class StoreCredentialsHealthCheck(StoreRegistry stores) : IHealthCheck
{
    public const string ReadyTag = "ready";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var expired = stores.All
            .Where(store => store.Credentials is RefreshingCredentialsProvider { State: CredentialsState.Expired })
            .Select(store => store.Name)
            .ToList();
        return Task.FromResult(expired.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"No valid signing keys for: {string.Join(", ", expired)}."));
    }
}

/// <summary><c>/health/live</c> (the process answers) and <c>/health/ready</c> (every store can sign), open to probes without sign-in.</summary>
internal static class HealthEndpoints
{
    public static void MapHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(StoreCredentialsHealthCheck.ReadyTag) }).AllowAnonymous();
    }
}
