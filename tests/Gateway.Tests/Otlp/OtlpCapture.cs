using Gateway.Tests.Otlp.Proto.Collector.Logs;
using Gateway.Tests.Otlp.Proto.Collector.Trace;
using Gateway.Tests.Otlp.Proto.Common;
using Gateway.Tests.Otlp.Proto.Logs;
using Gateway.Tests.Otlp.Proto.Resource;
using Gateway.Tests.Otlp.Proto.Trace;
using WireMock.Server;

namespace Gateway.Tests.Otlp;

/// <summary>One exported span with the resource and instrumentation scope it was sent under.</summary>
internal sealed record CapturedSpan(Resource Resource, InstrumentationScope Scope, Span Span);

/// <summary>One exported log record with the resource and instrumentation scope it was sent under.</summary>
internal sealed record CapturedLog(Resource Resource, InstrumentationScope Scope, LogRecord Record);

/// <summary>Decodes what a WireMock collector received over OTLP/HTTP protobuf with the messages compiled from <c>Otlp/**/*.proto</c>.</summary>
internal static class OtlpCapture
{
    public const string TracesPath = "/v1/traces";
    public const string LogsPath = "/v1/logs";

    /// <summary>Every <c>ExportTraceServiceRequest</c> POSTed to <c>/v1/traces</c>, parsed.</summary>
    public static IReadOnlyList<ExportTraceServiceRequest> TraceRequests(WireMockServer collector) =>
        [.. Bodies(collector, TracesPath).Select(body => ExportTraceServiceRequest.Parser.ParseFrom(body))];

    /// <summary>Every <c>ExportLogsServiceRequest</c> POSTed to <c>/v1/logs</c>, parsed.</summary>
    public static IReadOnlyList<ExportLogsServiceRequest> LogRequests(WireMockServer collector) =>
        [.. Bodies(collector, LogsPath).Select(body => ExportLogsServiceRequest.Parser.ParseFrom(body))];

    public static IEnumerable<CapturedSpan> Spans(IEnumerable<ExportTraceServiceRequest> requests) =>
        from request in requests
        from resourceSpans in request.ResourceSpans
        from scopeSpans in resourceSpans.ScopeSpans
        from span in scopeSpans.Spans
        select new CapturedSpan(resourceSpans.Resource ?? new(), scopeSpans.Scope ?? new(), span);

    public static IEnumerable<CapturedLog> Logs(IEnumerable<ExportLogsServiceRequest> requests) =>
        from request in requests
        from resourceLogs in request.ResourceLogs
        from scopeLogs in resourceLogs.ScopeLogs
        from record in scopeLogs.LogRecords
        select new CapturedLog(resourceLogs.Resource ?? new(), scopeLogs.Scope ?? new(), record);

    /// <summary>Attributes by key; a key sent twice fails, since OTLP attribute keys must be unique.</summary>
    public static Dictionary<string, AnyValue> Attributes(IEnumerable<KeyValue> attributes) =>
        attributes.ToDictionary(attribute => attribute.Key, attribute => attribute.Value ?? new AnyValue(), StringComparer.Ordinal);

    /// <summary>The lowercase hex form of a trace or span id.</summary>
    public static string Hex(Google.Protobuf.ByteString id) => Convert.ToHexStringLower(id.Span);

    /// <summary>Every key and string value anywhere in the captured telemetry: resources, scopes, spans, events, links and log records.</summary>
    public static IEnumerable<string> AllText(IEnumerable<ExportTraceServiceRequest> traces, IEnumerable<ExportLogsServiceRequest> logs)
    {
        foreach (var resourceSpans in traces.SelectMany(request => request.ResourceSpans))
        {
            foreach (var text in Text(resourceSpans.Resource).Append(resourceSpans.SchemaUrl))
            {
                yield return text;
            }

            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                foreach (var text in Text(scopeSpans.Scope).Append(scopeSpans.SchemaUrl))
                {
                    yield return text;
                }

                foreach (var span in scopeSpans.Spans)
                {
                    var texts = Text(span.Attributes)
                        .Concat(span.Events.SelectMany(e => Text(e.Attributes).Append(e.Name)))
                        .Concat(span.Links.SelectMany(l => Text(l.Attributes).Append(l.TraceState)))
                        .Append(span.Name)
                        .Append(span.TraceState)
                        .Append(span.Status?.Message ?? "");
                    foreach (var text in texts)
                    {
                        yield return text;
                    }
                }
            }
        }

        foreach (var resourceLogs in logs.SelectMany(request => request.ResourceLogs))
        {
            foreach (var text in Text(resourceLogs.Resource).Append(resourceLogs.SchemaUrl))
            {
                yield return text;
            }

            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                foreach (var text in Text(scopeLogs.Scope).Append(scopeLogs.SchemaUrl))
                {
                    yield return text;
                }

                foreach (var record in scopeLogs.LogRecords)
                {
                    foreach (var text in Text(record.Attributes).Concat(Text(record.Body)).Append(record.SeverityText).Append(record.EventName))
                    {
                        yield return text;
                    }
                }
            }
        }
    }

    private static IEnumerable<byte[]> Bodies(WireMockServer collector, string path) =>
        collector.LogEntries
            .Where(entry => entry.RequestMessage.Method == "POST" && entry.RequestMessage.Path == path)
            .Select(entry => entry.RequestMessage.BodyAsBytes ?? []);

    private static IEnumerable<string> Text(Resource? resource) => resource is null ? [] : Text(resource.Attributes);

    private static IEnumerable<string> Text(InstrumentationScope? scope) =>
        scope is null ? [] : Text(scope.Attributes).Append(scope.Name).Append(scope.Version);

    private static IEnumerable<string> Text(IEnumerable<KeyValue> attributes) =>
        attributes.SelectMany(attribute => Text(attribute.Value).Prepend(attribute.Key));

    private static IEnumerable<string> Text(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => [value.StringValue],
        AnyValue.ValueOneofCase.BytesValue => [value.BytesValue.ToStringUtf8()],
        AnyValue.ValueOneofCase.ArrayValue => value.ArrayValue.Values.SelectMany(Text),
        AnyValue.ValueOneofCase.KvlistValue => Text(value.KvlistValue.Values),
        _ => [],
    };
}
