namespace Polly;

/// <summary>
/// Stands in for Polly's base class of pipeline rejections, with the same full name: the library matches these by name
/// so that it needs no Polly reference, and this test project has none either.
/// </summary>
public class ExecutionRejectedException(string message) : Exception(message);
