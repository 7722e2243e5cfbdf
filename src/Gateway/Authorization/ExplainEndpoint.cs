using System.Text.Json;
using Gateway.Hosting;
using Gateway.Rules;
using Microsoft.Extensions.Options;

namespace Gateway.Authorization;

/// <summary><c>POST /admin/explain</c>: the rules' answer for a method, a path and a set of claims; admin callers only.</summary>
internal static class ExplainEndpoint
{
    public const string Path = "/admin/explain";

    /// <summary>Maps the endpoint behind <c>Gateway:Admin:Policy</c>; nothing is mapped when no admin policy is set.</summary>
    public static void MapExplain(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<GatewayAuthorizationOptions>>().Value.Admin.Policy is not { Length: > 0 } policy)
        {
            return;
        }

        app.MapPost(Path, ExplainAsync).RequireAuthorization(policy);
    }

    private static async Task<IResult> ExplainAsync(ExplainRequest request, HttpContext context, InProcessRequests requests, RuleSetProvider rules)
    {
        if (string.IsNullOrEmpty(request.Method) || string.IsNullOrEmpty(request.Path))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid question", detail: "'method' and 'path' are required.");
        }

        var claims = new List<KeyValuePair<string, string>>();
        foreach (var (type, value) in request.Claims ?? [])
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    claims.Add(new(type, value.GetString()!));
                    break;
                case JsonValueKind.Array when value.EnumerateArray().All(item => item.ValueKind == JsonValueKind.String):
                    claims.AddRange(value.EnumerateArray().Select(item => new KeyValuePair<string, string>(type, item.GetString()!)));
                    break;
                default:
                    return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid question", detail: $"Claim '{type}' must be a string or an array of strings.");
            }
        }

        var caller = request.Anonymous ? Caller.Anonymous : Caller.FromClaims(claims);
        var host = request.Host is { Length: > 0 } asked ? new HostString(asked) : context.Request.Host;
        return TypedResults.Ok(await RuleExplainer.ExplainAsync(requests, rules.Current, request.Method, request.Path, host, caller));
    }

    /// <summary>The question: a method, a raw path, and the caller's claims (a string or an array of strings each).</summary>
    /// <param name="Method">The HTTP method.</param>
    /// <param name="Path">The request path as a client would send it (percent-encoded).</param>
    /// <param name="Claims">The caller's claims.</param>
    /// <param name="Anonymous">Ask for a caller who has not signed in.</param>
    /// <param name="Host">The host the request would be sent to; the explain request's own host when empty.</param>
    internal sealed record ExplainRequest(string? Method, string? Path, Dictionary<string, JsonElement>? Claims, bool Anonymous, string? Host = null);
}
