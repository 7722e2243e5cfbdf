namespace Gateway.Rules;

/// <summary>A rules file that cannot be used, with every problem found in it. No message echoes a value from the file.</summary>
internal sealed class RulesValidationException : Exception
{
    /// <summary>Creates the exception from the full list of problems.</summary>
    public RulesValidationException(IReadOnlyList<string> errors)
        : base($"The rules file has {errors.Count} error(s): {string.Join(" ", errors)}")
    {
        Errors = errors;
    }

    /// <summary>Every problem, each naming the rule (by index and id) and the field.</summary>
    public IReadOnlyList<string> Errors { get; }
}
