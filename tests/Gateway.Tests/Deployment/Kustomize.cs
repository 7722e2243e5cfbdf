using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using Gateway.TestSupport;
using k8s;
using k8s.Models;

namespace Gateway.Tests.Deployment;

/// <summary>
/// What <c>kubectl kustomize deploy/kubernetes/overlays/NAME</c> renders, as typed objects. It runs offline: nothing
/// is sent to a cluster (<c>kubectl apply --dry-run=client</c> would need an API server).
/// </summary>
internal static class Kustomize
{
    public const string Single = "single";
    public const string Ha = "ha";

    private static readonly ConcurrentDictionary<string, Lazy<Rendered>> s_rendered = new(StringComparer.Ordinal);

    public static Rendered Render(string overlay) =>
        s_rendered.GetOrAdd(overlay, name => new Lazy<Rendered>(() => RenderCore(name))).Value;

    private static Rendered RenderCore(string overlay)
    {
        var directory = Path.Combine(Repository.Root, "deploy", "kubernetes", "overlays", overlay);
        var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "kustomize", directory })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start.");
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException(
                "kubectl was not found on PATH. The Kubernetes manifest tests render deploy/kubernetes with 'kubectl kustomize' " +
                "(kubectl 1.27 or later, for kustomize 5): install it, for example from https://pkgs.k8s.io (Debian's kubernetes-client " +
                "package is too old).", ex);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"kubectl kustomize {overlay} did not finish in 60 s.");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"kubectl kustomize {overlay} failed ({process.ExitCode}): {error.Result}");
            }

            return new Rendered(KubernetesYaml.LoadAllFromString(output.Result));
        }
    }
}

/// <summary>The objects of one rendered overlay.</summary>
internal sealed class Rendered(IReadOnlyList<object> objects)
{
    public IReadOnlyList<object> Objects { get; } = objects;

    public IEnumerable<T> All<T>() => Objects.OfType<T>();

    public V1Deployment Gateway => All<V1Deployment>().Single(deployment => deployment.Metadata.Name == "gateway");

    public V1Container GatewayContainer => Gateway.Spec.Template.Spec.Containers.Single(container => container.Name == "gateway");

    /// <summary>The ConfigMap generated as <paramref name="name"/>, with or without its content-hash suffix.</summary>
    public V1ConfigMap ConfigMap(string name) =>
        All<V1ConfigMap>().Single(map => map.Metadata.Name == name || map.Metadata.Name.StartsWith(name + "-", StringComparison.Ordinal));

    /// <summary>The gateway container's own environment variables (env, not envFrom).</summary>
    public string? Env(string name) => GatewayContainer.Env.SingleOrDefault(variable => variable.Name == name)?.Value;

    /// <summary>The settings the gateway gets through envFrom (the gateway-settings ConfigMap).</summary>
    public IDictionary<string, string> Settings => ConfigMap("gateway-settings").Data;

    /// <summary>The pod volume mounted at <paramref name="mountPath"/>.</summary>
    public V1Volume VolumeAt(string mountPath)
    {
        var mount = GatewayContainer.VolumeMounts.Single(mount => mount.MountPath == mountPath);
        return Gateway.Spec.Template.Spec.Volumes.Single(volume => volume.Name == mount.Name);
    }
}
