namespace Polly.Timeout;

/// <summary>Stands in for Polly's timeout rejection, with the same full name (see <see cref="ExecutionRejectedException"/>).</summary>
public sealed class TimeoutRejectedException() : ExecutionRejectedException("The operation didn't complete within the allowed timeout.");
