using System.Reflection;

namespace Gateway.Hosting;

/// <summary>The gateway's version, as <c>Version</c> in <c>Directory.Build.props</c> sets it.</summary>
internal static class GatewayVersion
{
    /// <summary>The semantic version, such as <c>1.0.0</c>.</summary>
    public static string Current { get; } =
        typeof(GatewayVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
