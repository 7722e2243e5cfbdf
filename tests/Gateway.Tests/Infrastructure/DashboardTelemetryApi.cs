using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Gateway.Tests.Infrastructure;

/// <summary>
/// The Aspire Dashboard's telemetry HTTP API (<c>/api/telemetry/...</c>, unsecured), whoever started the dashboard:
/// <see cref="AspireDashboardProcess"/> or an Aspire AppHost.
/// </summary>
internal sealed class DashboardTelemetryApi : IDisposable
{
    private readonly HttpClient _api;

    public DashboardTelemetryApi(Uri frontend) => _api = new HttpClient { BaseAddress = frontend, Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>True when the telemetry API answers a one-span query with success.</summary>
    public async Task<bool> AnswersAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _api.GetAsync(new Uri("/api/telemetry/spans?limit=1", UriKind.Relative), cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// <c>GET /api/telemetry/spans</c>: every span the dashboard holds (up to <paramref name="limit"/>), flattened.
    /// With <paramref name="resource"/>, only that resource's spans; none while the resource has sent nothing yet.
    /// </summary>
    public Task<DashboardSnapshot<DashboardSpan>> GetSpansAsync(string? resource = null, int limit = 10_000, CancellationToken cancellationToken = default) =>
        QueryAsync("spans", "resourceSpans", "scopeSpans", "spans", ReadSpan, resource, limit, cancellationToken);

    /// <summary>
    /// <c>GET /api/telemetry/logs</c>: every structured log record the dashboard holds (up to <paramref name="limit"/>), flattened.
    /// With <paramref name="resource"/>, only that resource's records; none while the resource has sent nothing yet.
    /// </summary>
    public Task<DashboardSnapshot<DashboardLogRecord>> GetLogsAsync(string? resource = null, int limit = 10_000, CancellationToken cancellationToken = default) =>
        QueryAsync("logs", "resourceLogs", "scopeLogs", "logRecords", ReadLogRecord, resource, limit, cancellationToken);

    /// <summary>
    /// Runs <paramref name="query"/> every 100 ms until <paramref name="until"/> holds or <paramref name="timeout"/> passes,
    /// and returns the last snapshot either way, so the caller's assertions say what did arrive.
    /// </summary>
    public static async Task<DashboardSnapshot<T>> PollAsync<T>(
        Func<CancellationToken, Task<DashboardSnapshot<T>>> query,
        Func<IReadOnlyList<T>, bool> until,
        TimeSpan timeout,
        CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var snapshot = await query(cancellationToken);
            if (until(snapshot.Items) || clock.Elapsed >= timeout)
            {
                return snapshot;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }


    private async Task<DashboardSnapshot<T>> QueryAsync<T>(
        string endpoint,
        string resourcesProperty,
        string scopesProperty,
        string itemsProperty,
        Func<JsonElement, string, IReadOnlyDictionary<string, string>, T> read,
        string? resource,
        int limit,
        CancellationToken cancellationToken)
    {
        var query = $"/api/telemetry/{endpoint}?limit={limit.ToString(CultureInfo.InvariantCulture)}";
        if (resource is not null)
        {
            query += "&resource=" + Uri.EscapeDataString(resource);
        }

        using var response = await _api.GetAsync(new Uri(query, UriKind.Relative), cancellationToken);
        if (resource is not null && response.StatusCode == HttpStatusCode.NotFound)
        {
            // The dashboard answers 404 for a resource it has not heard from yet.
            return new DashboardSnapshot<T>([], 0, "");
        }

        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadAsStringAsync(cancellationToken);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var items = new List<T>();
        foreach (var resourceElement in Array(root.GetProperty("data"), resourcesProperty))
        {
            var resourceAttributes = resourceElement.TryGetProperty("resource", out var resourceValue)
                ? Attributes(resourceValue)
                : new Dictionary<string, string>();
            foreach (var scopeElement in Array(resourceElement, scopesProperty))
            {
                var scope = scopeElement.TryGetProperty("scope", out var scopeValue) ? String(scopeValue, "name") ?? "" : "";
                foreach (var item in Array(scopeElement, itemsProperty))
                {
                    items.Add(read(item, scope, resourceAttributes));
                }
            }
        }

        return new DashboardSnapshot<T>(items, root.TryGetProperty("totalCount", out var total) ? total.GetInt32() : items.Count, json);
    }

    private static DashboardSpan ReadSpan(JsonElement span, string scope, IReadOnlyDictionary<string, string> resource) => new(
        String(span, "name") ?? "",
        String(span, "traceId") ?? "",
        String(span, "spanId") ?? "",
        String(span, "parentSpanId"),
        span.TryGetProperty("kind", out var kind) ? kind.GetInt32() : 0,
        span.TryGetProperty("status", out var status) && status.TryGetProperty("code", out var code) ? code.GetInt32() : 0,
        scope,
        Attributes(span),
        resource);

    private static DashboardLogRecord ReadLogRecord(JsonElement record, string scope, IReadOnlyDictionary<string, string> resource) => new(
        record.TryGetProperty("body", out var body) ? Value(body) : null,
        String(record, "severityText"),
        record.TryGetProperty("severityNumber", out var severity) ? severity.GetInt32() : 0,
        String(record, "traceId"),
        String(record, "spanId"),
        scope,
        Attributes(record),
        resource);

    private static IEnumerable<JsonElement> Array(JsonElement element, string property) =>
        element.TryGetProperty(property, out var array) && array.ValueKind == JsonValueKind.Array ? array.EnumerateArray() : [];

    private static string? String(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>OTLP JSON <c>attributes</c> as key to text. The dashboard sends every value as <c>stringValue</c>, integers and booleans included.</summary>
    private static Dictionary<string, string> Attributes(JsonElement owner)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var attribute in Array(owner, "attributes"))
        {
            if (String(attribute, "key") is { } key)
            {
                attributes[key] = attribute.TryGetProperty("value", out var value) ? Value(value) : "";
            }
        }

        return attributes;
    }

    /// <summary>An OTLP <c>AnyValue</c> as text: the string itself, otherwise the JSON of whichever value it holds, or empty.</summary>
    private static string Value(JsonElement anyValue)
    {
        if (anyValue.ValueKind != JsonValueKind.Object)
        {
            return anyValue.ToString();
        }

        foreach (var property in anyValue.EnumerateObject())
        {
            return property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
        }

        return "";
    }

    public void Dispose() => _api.Dispose();
}
