using System.Globalization;
using OpenTelemetry.Trace;

namespace Gateway.Audit;

/// <summary>
/// Samples ordinary spans as <c>OTEL_TRACES_SAMPLER</c> says, but always records and exports audit spans:
/// an audit record is never sampled away.
/// </summary>
internal sealed class AuditSampler(Sampler ordinary) : Sampler
{
    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.Name == GatewayTelemetry.DownloadActivityName
            ? new SamplingResult(SamplingDecision.RecordAndSample)
            : ordinary.ShouldSample(samplingParameters);

    /// <summary>The sampler the standard <c>OTEL_TRACES_SAMPLER</c> and <c>OTEL_TRACES_SAMPLER_ARG</c> settings describe.</summary>
    public static Sampler FromConfiguration(IConfiguration configuration)
    {
        var ratio = double.TryParse(configuration["OTEL_TRACES_SAMPLER_ARG"], NumberStyles.Float, CultureInfo.InvariantCulture, out var arg) && arg is >= 0 and <= 1
            ? arg
            : 1.0;
        return configuration["OTEL_TRACES_SAMPLER"] switch
        {
            "always_on" => new AlwaysOnSampler(),
            "always_off" => new AlwaysOffSampler(),
            "traceidratio" => new TraceIdRatioBasedSampler(ratio),
            "parentbased_always_off" => new ParentBasedSampler(new AlwaysOffSampler()),
            "parentbased_traceidratio" => new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio)),
            _ => new ParentBasedSampler(new AlwaysOnSampler()),
        };
    }
}
