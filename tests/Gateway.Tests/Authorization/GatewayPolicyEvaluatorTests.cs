using System.Security.Claims;
using Gateway.Authorization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Authorization;

/// <summary>The policy evaluator's shorter way answers exactly as the framework's evaluation would, for every kind of caller.</summary>
public sealed class GatewayPolicyEvaluatorTests
{
    private static readonly Dictionary<string, AuthorizationPolicy> Policies = new()
    {
        ["authenticated"] = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build(),
        ["tenant claim"] = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim("tenant").Build(),
        ["tenant acme or globex"] = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim("tenant", "acme", "globex").Build(),
        ["scope and role"] = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim("scope", "storage:read").RequireClaim("roles").Build(),
        ["claim without authentication"] = new AuthorizationPolicyBuilder().RequireClaim("tenant", "acme").Build(),
        ["user name (another kind)"] = new AuthorizationPolicyBuilder().RequireUserName("alice").Build(),
        ["role (another kind)"] = new AuthorizationPolicyBuilder().RequireRole("admin").Build(),
    };

    private static readonly Dictionary<string, ClaimsPrincipal> Callers = new()
    {
        ["anonymous"] = new ClaimsPrincipal(new ClaimsIdentity()),
        ["no identity"] = new ClaimsPrincipal(),
        ["unauthenticated with claims"] = new ClaimsPrincipal(new ClaimsIdentity([new Claim("tenant", "acme")])),
        ["alice of acme"] = Caller(new Claim("sub", "alice"), new Claim("tenant", "acme")),
        ["bob of initech"] = Caller(new Claim("sub", "bob"), new Claim("tenant", "initech")),
        ["upper-case claim type"] = Caller(new Claim("TENANT", "acme")),
        ["value differs in case"] = Caller(new Claim("tenant", "ACME")),
        ["reader with role"] = Caller(new Claim("scope", "storage:read"), new Claim("roles", "admin"), new Claim(ClaimTypes.Name, "alice")),
        ["reader without role"] = Caller(new Claim("scope", "storage:read")),
        ["second identity authenticated"] = new ClaimsPrincipal([new ClaimsIdentity([new Claim("tenant", "acme")]), new ClaimsIdentity([new Claim("roles", "admin")], "Bearer")]),
    };

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var policy in Policies.Keys)
        {
            foreach (var caller in Callers.Keys)
            {
                cases.Add(policy, caller);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Answer_IsTheFrameworks(string policyName, string callerName)
    {
        using var services = Services();
        var policy = Policies[policyName];
        var context = new DefaultHttpContext { User = Callers[callerName], RequestServices = services };
        var authentication = context.User.Identity?.IsAuthenticated == true
            ? AuthenticateResult.Success(new AuthenticationTicket(context.User, "test"))
            : AuthenticateResult.NoResult();
        var framework = new PolicyEvaluator(services.GetRequiredService<IAuthorizationService>());
        var gateway = services.GetRequiredService<IPolicyEvaluator>();

        var expected = await framework.AuthorizeAsync(policy, authentication, context, context);
        var actual = await gateway.AuthorizeAsync(policy, authentication, context, context);

        Assert.IsType<GatewayPolicyEvaluator>(gateway);
        Assert.Equal((expected.Succeeded, expected.Challenged, expected.Forbidden), (actual.Succeeded, actual.Challenged, actual.Forbidden));
    }

    [Fact]
    public async Task AnotherAuthorizationHandler_IsAskedEveryTime()
    {
        using var services = Services(collection => collection.AddSingleton<IAuthorizationHandler, RefuseEveryone>());
        var context = new DefaultHttpContext { User = Callers["alice of acme"], RequestServices = services };

        var result = await services.GetRequiredService<IPolicyEvaluator>().AuthorizeAsync(
            Policies["tenant claim"], AuthenticateResult.Success(new AuthenticationTicket(context.User, "test")), context, context);

        Assert.True(result.Forbidden);
    }

    [Fact]
    public async Task AnotherAuthorizationEvaluator_IsAskedEveryTime()
    {
        using var services = Services(collection => collection.AddSingleton<IAuthorizationEvaluator, FailEverything>());
        var context = new DefaultHttpContext { User = Callers["alice of acme"], RequestServices = services };

        var result = await services.GetRequiredService<IPolicyEvaluator>().AuthorizeAsync(
            Policies["tenant claim"], AuthenticateResult.Success(new AuthenticationTicket(context.User, "test")), context, context);

        Assert.True(result.Forbidden);
    }

    private static ClaimsPrincipal Caller(params Claim[] claims) => new(new ClaimsIdentity(claims, "Bearer"));

    private static ServiceProvider Services(Action<IServiceCollection>? configure = null)
    {
        var collection = new ServiceCollection().AddLogging();
        configure?.Invoke(collection);
        collection.AddSingleton<IPolicyEvaluator, GatewayPolicyEvaluator>();
        collection.AddAuthorization();
        return collection.BuildServiceProvider();
    }

    private sealed class FailEverything : IAuthorizationEvaluator
    {
        public AuthorizationResult Evaluate(AuthorizationHandlerContext context) => AuthorizationResult.Failed();
    }

    private sealed class RefuseEveryone : IAuthorizationHandler
    {
        public Task HandleAsync(AuthorizationHandlerContext context)
        {
            context.Fail();
            return Task.CompletedTask;
        }
    }
}
