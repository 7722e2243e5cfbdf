using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Gateway.Listing;

/// <summary>How folder pages ask the store: <c>Gateway:Listing</c>. Routes opt in with <c>Download.Listing</c>.</summary>
internal sealed record ListingOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Gateway:Listing";

    /// <summary>The most names one folder page asks the store for (S3 and COS return at most 1000).</summary>
    [Range(1, 1000)]
    public int PageSize { get; init; } = 200;

    /// <summary>How many keys beneath a sub-folder are examined, at most, to find one the caller may download; the folder is hidden when none is found.</summary>
    [Range(1, 100_000)]
    public int FolderProbeLimit { get; init; } = 1000;

    /// <summary>How long one request to the store may take.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one store call may take with its retries; beyond it the page answers 504.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Retries of a failed or timed-out store request (listing is a read, so it is safe to repeat).</summary>
    [Range(0, 5)]
    public int Retries { get; init; } = 2;
}

/// <summary>Checks data annotations on <see cref="ListingOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class ListingOptionsAnnotationsValidator : IValidateOptions<ListingOptions>;

/// <summary>Checks <c>Gateway:Listing</c>, naming each setting, never its value.</summary>
internal sealed class ListingOptionsValidator : IValidateOptions<ListingOptions>
{
    public ValidateOptionsResult Validate(string? name, ListingOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        builder.AddResult(new ListingOptionsAnnotationsValidator().Validate(ListingOptions.SectionName, options));
        if (options.TotalTimeout < options.AttemptTimeout)
        {
            builder.AddError("must not be shorter than AttemptTimeout", $"{ListingOptions.SectionName}:TotalTimeout");
        }

        return builder.Build();
    }
}
