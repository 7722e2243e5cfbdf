using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.Listing;

/// <summary>Registers folder pages: <c>Gateway:Listing</c> with its validation, the store lister and the page builder.</summary>
internal static class ListingRegistration
{
    public static IServiceCollection AddFolderListing(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<ListingOptions>().BindConfiguration(ListingOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ListingOptions>, ListingOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StoreLister>();
        services.TryAddSingleton<FolderPages>();
        return services;
    }
}
