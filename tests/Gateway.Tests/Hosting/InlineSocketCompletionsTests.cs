using Gateway.Hosting;

namespace Gateway.Tests.Hosting;

/// <summary>The gateway asks the runtime to complete socket operations inline, unless the operator said otherwise.</summary>
public sealed class InlineSocketCompletionsTests : IDisposable
{
    private readonly string? _original = Environment.GetEnvironmentVariable(GatewayApp.InlineSocketCompletionsVariable);

    public void Dispose() => Environment.SetEnvironmentVariable(GatewayApp.InlineSocketCompletionsVariable, _original);

    [Fact]
    public void Unset_IsTurnedOn()
    {
        Environment.SetEnvironmentVariable(GatewayApp.InlineSocketCompletionsVariable, null);

        GatewayApp.PreferInlineSocketCompletions();

        Assert.Equal("1", Environment.GetEnvironmentVariable(GatewayApp.InlineSocketCompletionsVariable));
    }

    [Fact]
    public void OperatorsValue_Wins()
    {
        Environment.SetEnvironmentVariable(GatewayApp.InlineSocketCompletionsVariable, "0");

        GatewayApp.PreferInlineSocketCompletions();

        Assert.Equal("0", Environment.GetEnvironmentVariable(GatewayApp.InlineSocketCompletionsVariable));
    }
}
