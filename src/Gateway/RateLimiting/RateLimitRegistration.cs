using System.Globalization;
using System.Threading.RateLimiting;
using Gateway.Audit;
using Gateway.Diagnostics;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.RateLimiting;

/// <summary>
/// Registers <c>Gateway:RateLimits</c> with its validation, and its policies with ASP.NET Core rate limiting, which
/// answers rejections with 429 and Retry-After.
/// </summary>
internal static class RateLimitRegistration
{
    /// <summary>The Retry-After of a rejection whose limiter gives none.</summary>
    private static readonly TimeSpan FallbackRetryAfter = TimeSpan.FromSeconds(1);

    public static IServiceCollection AddGatewayRateLimiting(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>());
        services.TryAddSingleton<SharedTokenBuckets>();
        services.TryAddSingleton<SigningRateLimits>();
        services.AddRateLimiter(_ => { });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<RateLimiterOptions>, ConfigureRateLimiter>());
        return services;
    }

    /// <summary>Whole seconds, rounded up, as Retry-After wants them.</summary>
    public static string RetryAfterSeconds(RateLimitLease lease)
    {
        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero ? retryAfter : FallbackRetryAfter;
        return Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancel)
    {
        var context = rejected.HttpContext;
        var retryAfter = RetryAfterSeconds(rejected.Lease);
        context.GetDownloadDecision()?.Decide(DecisionReason.RateLimited);

        context.Response.Headers.RetryAfter = retryAfter;
        await Problems.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests", $"Try again in {retryAfter} s.");
    }

    private sealed class ConfigureRateLimiter(SigningRateLimits limits) : IConfigureOptions<RateLimiterOptions>
    {
        public void Configure(RateLimiterOptions options)
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = RejectAsync;
            foreach (var policy in limits.All)
            {
                options.AddPolicy(policy.Name, policy);
            }
        }
    }
}
