using System.Net;
using Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Gateway.Tests.Deployment;

/// <summary>
/// The gateway started the way the rendered pod starts it: in Production, with the ConfigMaps' files and the store
/// secrets laid out as the pod mounts them, and the pod's environment. Catches a setting the manifests name wrongly.
/// </summary>
public sealed class RenderedPodTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("gateway-pod-").FullName;

    [Theory]
    [InlineData(Kustomize.Single)]
    [InlineData(Kustomize.Ha)]
    public async Task RenderedPod_StartInProduction_IsLiveReadyAndDrainsWithinTheGracePeriod(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var environment = rendered.Env("ASPNETCORE_ENVIRONMENT")!;
        var overrides = PodEnvironment(rendered, overlay);

        await using var gateway = await GatewayHost.StartAsync(overrides, environment: environment);
        using var client = gateway.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
        // The host setting the Deployment names is the one WebApplication reads for HostOptions.ShutdownTimeout.
        var shutdownTimeout = gateway.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
        Assert.Equal(TimeSpan.FromSeconds(int.Parse(rendered.Env("DOTNET_SHUTDOWNTIMEOUTSECONDS")!, System.Globalization.CultureInfo.InvariantCulture)), shutdownTimeout);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>
    /// The container's configuration as the host builds it from its environment (envFrom, then env; <c>__</c> is
    /// <c>:</c>, <c>DOTNET_</c> and <c>ASPNETCORE_</c> prefixes are host settings), with each mount under a temporary folder.
    /// </summary>
    private Dictionary<string, string?> PodEnvironment(Rendered rendered, string overlay)
    {
        var mounts = rendered.GatewayContainer.VolumeMounts.ToDictionary(
            mount => mount.MountPath, mount => Path.Combine(_root, overlay, mount.Name), StringComparer.Ordinal);
        foreach (var folder in mounts.Values)
        {
            Directory.CreateDirectory(folder);
        }

        foreach (var map in new[] { "/app/config", "/app/rules" })
        {
            foreach (var file in rendered.ConfigMap(rendered.VolumeAt(map).ConfigMap.Name).Data)
            {
                File.WriteAllText(Path.Combine(mounts[map], file.Key), file.Value);
            }
        }

        string Local(string value) =>
            mounts.FirstOrDefault(mount => value == mount.Key || value.StartsWith(mount.Key + "/", StringComparison.Ordinal)) is { Key: not null } hit
                ? hit.Value + value[hit.Key.Length..]
                : value;

        var variables = new Dictionary<string, string>(rendered.Settings, StringComparer.Ordinal);
        foreach (var variable in rendered.GatewayContainer.Env)
        {
            variables[variable.Name] = variable.Value;
        }

        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in variables)
        {
            // The environment is passed as such; the test's own address replaces the pod's; nothing is exported.
            if (name is "ASPNETCORE_ENVIRONMENT" or "ASPNETCORE_URLS" || name.StartsWith("OTEL_", StringComparison.Ordinal))
            {
                continue;
            }

            var key = name.StartsWith("DOTNET_", StringComparison.Ordinal) ? name["DOTNET_".Length..] : name;
            overrides[key.Replace("__", ":", StringComparison.Ordinal)] = Local(value);

            // A store's secret key comes from the user's Secret: a file per store, here with a key of the test's own.
            if (key.EndsWith("__Credentials__SecretKeyFile", StringComparison.Ordinal))
            {
                File.WriteAllText(Local(value), "pod-test-secret-" + Path.GetFileName(value));
            }
        }

        return overrides;
    }
}
