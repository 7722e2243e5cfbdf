using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

/// <summary>
/// A feature's options as configured, before its validators run. For a validator that checks its own feature against
/// another's settings (a route against the stores it names): that feature's own validator reports its errors, so
/// reading them here neither repeats them nor hides this validator's own.
/// </summary>
internal sealed class ConfiguredOptions<TOptions>(IEnumerable<IConfigureOptions<TOptions>> setups, IEnumerable<IPostConfigureOptions<TOptions>> postConfigures)
    where TOptions : class
{
    /// <summary>Binds the value afresh (the configuration may have been reloaded), without validating it.</summary>
    public TOptions Current() => new OptionsFactory<TOptions>(setups, postConfigures, []).Create(Options.DefaultName);
}
