using System.Globalization;
using Gateway.TestSupport;
using k8s;
using k8s.Models;

namespace Gateway.Tests.Deployment;

/// <summary>
/// The promises of deploy/kubernetes, checked on what kustomize renders for each overlay: probes on the health
/// endpoints, a hardened pod, the configuration mounted as directories that reload in place, a shutdown that lets
/// requests finish, the disruption budget, autoscaling and network policy, and Redis only where it is shared.
/// </summary>
public sealed class KubernetesManifestTests
{
    public static TheoryData<string> Overlays => [Kustomize.Single, Kustomize.Ha];

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Overlay_Render_HasEveryPart(string overlay)
    {
        var rendered = Kustomize.Render(overlay);

        Assert.Single(rendered.All<V1Deployment>(), deployment => deployment.Metadata.Name == "gateway");
        Assert.Single(rendered.All<V1Service>(), service => service.Metadata.Name == "gateway");
        Assert.Single(rendered.All<V1PodDisruptionBudget>());
        Assert.Single(rendered.All<V1NetworkPolicy>(), policy => policy.Metadata.Name == "gateway");
        // The store secrets are created by the user, never rendered from git.
        Assert.Empty(rendered.All<V1Secret>());
        // Autoscaling needs the shared state: the single overlay has no HPA, so nothing scales it past one.
        Assert.Equal(overlay == Kustomize.Ha ? 1 : 0, rendered.All<V2HorizontalPodAutoscaler>().Count());
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void GatewayContainer_Probes_UseTheHealthEndpoints(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var container = rendered.GatewayContainer;

        Assert.Equal("/health/live", container.StartupProbe.HttpGet.Path);
        Assert.Equal("/health/live", container.LivenessProbe.HttpGet.Path);
        Assert.Equal("/health/ready", container.ReadinessProbe.HttpGet.Path);
        var port = Assert.Single(container.Ports);
        Assert.Equal(8080, port.ContainerPort);
        Assert.All([container.StartupProbe, container.LivenessProbe, container.ReadinessProbe], probe => Assert.Equal(port.Name, probe.HttpGet.Port.Value));
        // config/gateway.json listens on loopback for local runs; the pod must listen on the container port.
        Assert.Equal("http://+:8080", rendered.Env("ASPNETCORE_URLS"));
        Assert.Equal("Production", rendered.Env("ASPNETCORE_ENVIRONMENT"));
        Assert.NotNull(container.Resources.Requests["cpu"]);
        Assert.NotNull(container.Resources.Requests["memory"]);
        Assert.NotNull(container.Resources.Limits["memory"]);

        var service = rendered.All<V1Service>().Single(service => service.Metadata.Name == "gateway");
        Assert.Equal(port.Name, Assert.Single(service.Spec.Ports).TargetPort.Value);
        Assert.Equal(service.Spec.Selector, rendered.Gateway.Spec.Template.Metadata.Labels.Where(label => service.Spec.Selector.ContainsKey(label.Key)));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void GatewayPod_SecurityContext_IsHardened(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var pod = rendered.Gateway.Spec.Template.Spec;
        var container = rendered.GatewayContainer;

        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.Equal(1654, pod.SecurityContext.RunAsUser);
        Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile.Type);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
        Assert.Null(container.SecurityContext.Capabilities.Add);
        Assert.False(pod.AutomountServiceAccountToken);

        // With a read-only root, everything .NET writes needs a volume: its temporary files and, without Redis, the
        // Data Protection keys (with Redis the key ring lives there only, and a keys folder beside it is refused).
        Assert.NotNull(rendered.VolumeAt("/tmp").EmptyDir);
        var keys = rendered.Env("Authentication__Oidc__Session__KeysDirectory");
        if (rendered.ConfigMap("gateway-settings").Data?.ContainsKey("Gateway__Redis__Configuration") != true)
        {
            Assert.NotNull(keys);
            Assert.NotNull(rendered.VolumeAt(keys).EmptyDir);
        }
        else
        {
            Assert.Null(keys);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void ConfigMounts_AreWholeDirectories_ThatReloadInPlace(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var container = rendered.GatewayContainer;

        // A subPath mount is a copy that no ConfigMap update reaches.
        Assert.All(container.VolumeMounts, mount => Assert.True(string.IsNullOrEmpty(mount.SubPath), $"{mount.Name} uses subPath"));
        Assert.Equal("true", rendered.Env("DOTNET_USE_POLLING_FILE_WATCHER"));

        Assert.Equal("/app/config", rendered.Env("GATEWAY_CONFIG_DIR"));
        var config = rendered.VolumeAt("/app/config").ConfigMap;
        Assert.Equal(rendered.ConfigMap("gateway-config").Metadata.Name, config.Name);
        Assert.Null(config.Items);

        // ConfigMaps are flat: the rules are a ConfigMap of their own, mounted as a directory, and the gateway is
        // pointed at the file in it.
        var rulesFile = rendered.Env("Gateway__Rules__File");
        Assert.NotNull(rulesFile);
        var rules = rendered.VolumeAt(Path.GetDirectoryName(rulesFile)!).ConfigMap;
        Assert.Null(rules.Items);
        Assert.Equal("gateway-rules", rules.Name);
        Assert.Contains(Path.GetFileName(rulesFile), rendered.ConfigMap("gateway-rules").Data.Keys);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void ConfigMaps_ConfigChangeRollsPods_RulesChangeReloadsInPlace(string overlay)
    {
        var rendered = Kustomize.Render(overlay);

        // The content hash in the name rolls the pods when a start-up setting changes...
        Assert.Matches("^gateway-config-[a-z0-9]{10}$", rendered.ConfigMap("gateway-config").Metadata.Name);
        Assert.Matches("^gateway-settings-[a-z0-9]{10}$", rendered.ConfigMap("gateway-settings").Metadata.Name);
        Assert.Equal(rendered.ConfigMap("gateway-settings").Metadata.Name, Assert.Single(rendered.GatewayContainer.EnvFrom).ConfigMapRef.Name);
        // ... while the rules keep their name, so an applied change updates the mounted file and every pod reloads it.
        Assert.Equal("gateway-rules", rendered.ConfigMap("gateway-rules").Metadata.Name);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void ConfigMaps_Content_IsTheConfigFolder(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var folder = Path.Combine(Repository.Root, "config");
        // What the gateway loads in Production: every base file and the Production files, never the Development demo keys.
        var expected = Directory.GetFiles(folder, "*.json")
            .Where(file => Path.GetFileName(file).Count(c => c == '.') == 1 || Path.GetFileName(file).EndsWith(".Production.json", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(file => Path.GetFileName(file), File.ReadAllText, StringComparer.Ordinal);

        var data = rendered.ConfigMap("gateway-config").Data;
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), data.Keys.Order(StringComparer.Ordinal));
        Assert.All(expected, file => Assert.Equal(file.Value, data[file.Key]));
        Assert.Equal(File.ReadAllText(Path.Combine(folder, "rules", "access.json")), rendered.ConfigMap("gateway-rules").Data["access.json"]);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Shutdown_GracePeriod_OutlastsPreStopAndShutdownTimeout(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var command = rendered.GatewayContainer.Lifecycle.PreStop.Exec.Command;
        Assert.Equal("sleep", command[0]);
        var preStop = int.Parse(Assert.Single(command.Skip(1)), CultureInfo.InvariantCulture);
        var shutdownTimeout = int.Parse(rendered.Env("DOTNET_SHUTDOWNTIMEOUTSECONDS")!, CultureInfo.InvariantCulture);

        // The pod leaves the endpoints, preStop waits for the balancers to notice, then the host drains requests in flight.
        Assert.InRange(preStop, 5, 30);
        Assert.InRange(shutdownTimeout, 5, 60);
        Assert.True(rendered.Gateway.Spec.Template.Spec.TerminationGracePeriodSeconds > preStop + shutdownTimeout,
            $"terminationGracePeriodSeconds {rendered.Gateway.Spec.Template.Spec.TerminationGracePeriodSeconds} <= preStop {preStop} + shutdown {shutdownTimeout}");
        // A rollout starts a new pod before it stops an old one.
        Assert.Equal("0", rendered.Gateway.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
    }

    [Fact]
    public void Single_Replicas_OneWithoutRedis()
    {
        var rendered = Kustomize.Render(Kustomize.Single);

        Assert.Equal(1, rendered.Gateway.Spec.Replicas);
        Assert.Equal("1", Assert.Single(rendered.All<V1PodDisruptionBudget>()).Spec.MaxUnavailable.Value);
        Assert.DoesNotContain(rendered.Objects, item => item is IKubernetesObject<V1ObjectMeta> named && named.Metadata.Name.Contains("redis", StringComparison.Ordinal));
        Assert.DoesNotContain(rendered.Settings.Keys, key => key.StartsWith("Gateway__Redis__", StringComparison.Ordinal));
    }

    [Fact]
    public void Ha_Replicas_ThreeSharingRedis()
    {
        var rendered = Kustomize.Render(Kustomize.Ha);

        Assert.Equal(3, rendered.Gateway.Spec.Replicas);
        var budget = Assert.Single(rendered.All<V1PodDisruptionBudget>());
        Assert.Equal("2", budget.Spec.MinAvailable.Value);
        Assert.Null(budget.Spec.MaxUnavailable);
        var autoscaler = Assert.Single(rendered.All<V2HorizontalPodAutoscaler>());
        Assert.Equal(3, autoscaler.Spec.MinReplicas);
        Assert.True(autoscaler.Spec.MaxReplicas > 3);
        Assert.Equal("gateway", autoscaler.Spec.ScaleTargetRef.Name);
        Assert.Equal("cpu", Assert.Single(autoscaler.Spec.Metrics).Resource.Name);

        // The gateways find the Redis the overlay runs, by its Service.
        var redis = rendered.All<V1Service>().Single(service => service.Metadata.Name == "redis");
        Assert.Equal($"redis:{Assert.Single(redis.Spec.Ports).Port}", rendered.Settings["Gateway__Redis__Configuration"]);
        var server = rendered.All<V1StatefulSet>().Single(set => set.Metadata.Name == "redis");
        Assert.Equal(redis.Spec.Selector, server.Spec.Template.Metadata.Labels.Where(label => redis.Spec.Selector.ContainsKey(label.Key)));
        Assert.True(server.Spec.Template.Spec.SecurityContext.RunAsNonRoot);
        Assert.True(Assert.Single(server.Spec.Template.Spec.Containers).SecurityContext.ReadOnlyRootFilesystem);
        // The gateway's own Service never selects the Redis pod.
        var gateway = rendered.All<V1Service>().Single(service => service.Metadata.Name == "gateway");
        Assert.False(gateway.Spec.Selector.All(label => server.Spec.Template.Metadata.Labels.TryGetValue(label.Key, out var value) && value == label.Value));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void NetworkPolicy_Gateway_AllowsItsPortInAndOnlyTheListedEgress(string overlay)
    {
        var rendered = Kustomize.Render(overlay);
        var policy = rendered.All<V1NetworkPolicy>().Single(policy => policy.Metadata.Name == "gateway");

        Assert.Equal(rendered.Gateway.Spec.Selector.MatchLabels, policy.Spec.PodSelector.MatchLabels);
        Assert.Equal(["Ingress", "Egress"], policy.Spec.PolicyTypes);
        var ingress = Assert.Single(policy.Spec.Ingress);
        Assert.Equal("http", Assert.Single(ingress.Ports).Port.Value);

        // Every egress rule names both its peers and its ports: none opens everything.
        Assert.All(policy.Spec.Egress, rule =>
        {
            Assert.NotEmpty(rule.To);
            Assert.NotEmpty(rule.Ports);
            Assert.All(rule.To, peer => Assert.True(peer.IpBlock?.Cidr is not "0.0.0.0/0" and not "::/0"));
        });
        var ports = policy.Spec.Egress.SelectMany(rule => rule.Ports).Select(port => port.Port.Value).ToHashSet();
        Assert.Superset(new HashSet<string> { "53", "443", "6379", "4317" }, ports);
    }
}
