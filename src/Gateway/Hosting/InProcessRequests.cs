using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Gateway.Hosting;

/// <summary>
/// Runs a request through the gateway's own pipeline (or its routing alone) in process, as if a client had sent it on
/// the same connection: the same host, scheme, address and caller. The batch endpoint and explain use it, so they can
/// never route differently from a direct request.
/// </summary>
internal sealed class InProcessRequests(IServiceScopeFactory scopes)
{
    private IApplicationBuilder? _app;
    private RequestDelegate? _pipeline;

    /// <summary>Records the pipeline from this point on; it is built when the server starts.</summary>
    public void Capture(IApplicationBuilder app)
    {
        _app = app;
        app.Use(next => _pipeline = next);
    }

    /// <summary>The pipeline after exception handling and forwarded headers; built here when the server is not started (the command-line verbs).</summary>
    public RequestDelegate Pipeline
    {
        get
        {
            if (_pipeline is null)
            {
                (_app ?? throw new InvalidOperationException("The pipeline has not been captured.")).Build();
            }

            return _pipeline!;
        }
    }

    /// <summary>Runs only the routing of <paramref name="context"/>: afterwards it has the endpoint and route values a direct request would get.</summary>
    public Task RouteAsync(HttpContext context) => RunAsync(context, InProcessRequest.RoutingOnly);

    /// <summary>Runs <paramref name="context"/> through the whole pipeline as one batch item.</summary>
    public Task RunBatchItemAsync(HttpContext context) => RunAsync(context, InProcessRequest.BatchItem);

    private async Task RunAsync(HttpContext context, InProcessRequest kind)
    {
        // A scope of its own, as every request has: scoped services such as authentication handlers bind to one request.
        await using var scope = scopes.CreateAsyncScope();
        context.RequestServices = scope.ServiceProvider;
        context.Features.Set(kind);
        await Pipeline(context);
    }

    /// <summary>
    /// A request for <paramref name="target"/> (a raw path with an optional query), decoded once as Kestrel decodes a
    /// request line; null when the target is not an origin-form path or holds an encoded NUL, which Kestrel refuses.
    /// </summary>
    public static HttpContext? Create(string method, string target, RequestOrigin origin)
    {
        var separator = target.IndexOf('?', StringComparison.Ordinal);
        var rawPath = separator < 0 ? target : target[..separator];
        if (!rawPath.StartsWith('/') || rawPath.Contains("%00", StringComparison.Ordinal))
        {
            return null;
        }

        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(new HttpRequestFeature
        {
            Method = method,
            Scheme = origin.Scheme,
            Protocol = HttpProtocol.Http11,
            Path = PathString.FromUriComponent(rawPath).Value!,
            QueryString = separator < 0 ? "" : target[separator..],
            RawTarget = target,
        });
        features.Set<IHttpResponseFeature>(new HttpResponseFeature());
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(new MemoryStream()));
        features.Set<IHttpConnectionFeature>(new HttpConnectionFeature { RemoteIpAddress = origin.ClientAddress, LocalIpAddress = IPAddress.Loopback });
        features.Set<IHttpRequestLifetimeFeature>(new HttpRequestLifetimeFeature { RequestAborted = origin.Aborted });
        var context = new DefaultHttpContext(features) { User = origin.User };
        context.Request.Host = origin.Host;
        foreach (var (name, values) in origin.Headers)
        {
            context.Request.Headers[name] = values;
        }

        return context;
    }
}

/// <summary>Where an in-process request comes from: the outer request's host, scheme, client, caller and headers.</summary>
/// <param name="Scheme">http or https.</param>
/// <param name="Host">The Host the outer request was sent to.</param>
/// <param name="ClientAddress">The client's address, after trusted forwarded headers.</param>
/// <param name="User">The caller, already authenticated.</param>
/// <param name="Headers">Headers to send; never credentials.</param>
/// <param name="Aborted">The outer request's cancellation.</param>
internal sealed record RequestOrigin(
    string Scheme,
    HostString Host,
    IPAddress? ClientAddress,
    System.Security.Claims.ClaimsPrincipal User,
    IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> Headers,
    CancellationToken Aborted);

/// <summary>
/// Marks an in-process request. A batch item must reach a download route (anything else is a 404, never proxied) and
/// is answered with the link as JSON whatever the route's mode; a routing-only request stops once routed.
/// </summary>
internal sealed class InProcessRequest
{
    public static readonly InProcessRequest BatchItem = new();
    public static readonly InProcessRequest RoutingOnly = new();

    private InProcessRequest()
    {
    }
}

/// <summary>Right after routing: stops a routing-only request, and answers 404 to a batch item that reached no download route.</summary>
internal sealed class InProcessRequestMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var inProcess = context.Features.Get<InProcessRequest>();
        if (inProcess is null)
        {
            return next(context);
        }

        if (ReferenceEquals(inProcess, InProcessRequest.RoutingOnly))
        {
            return Task.CompletedTask;
        }

        return context.GetEndpoint()?.Metadata.GetMetadata<Routing.DownloadRoute>() is not null
            ? next(context)
            : Diagnostics.Problems.WriteAsync(context, StatusCodes.Status404NotFound, "Not a download path", "No download route matches this path.");
    }
}

/// <summary>Registers <see cref="InProcessRequests"/>, which the batch endpoint and explain run requests through.</summary>
internal static class InProcessRequestsRegistration
{
    public static IServiceCollection AddInProcessRequests(this IServiceCollection services)
    {
        services.TryAddSingleton<InProcessRequests>();
        return services;
    }
}
