using System.Collections.Frozen;
using System.ComponentModel;
using System.Globalization;
using System.Text.Json;

namespace Gateway.Configuration;

/// <summary>
/// The configuration names of an enum's members: kebab case, exactly (<c>TencentSts</c> is <c>tencent-sts</c>). A
/// member valued -1 (<c>Unrecognized</c>) stands for a configured name that is none of them.
/// </summary>
internal static class KebabCaseNames
{
    /// <summary>The configuration name of <paramref name="value"/>.</summary>
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    /// <summary>Every name a setting of <typeparamref name="TEnum"/> accepts, in declaration order, for "must be one of" errors.</summary>
    public static string List<TEnum>() where TEnum : struct, Enum => string.Join(", ", Known<TEnum>.ByName.Keys.Order(Known<TEnum>.InDeclarationOrder));

    /// <summary>True for a member a setting can name; false for <c>Unrecognized</c> and for values that are no member.</summary>
    public static bool IsKnown<TEnum>(TEnum value) where TEnum : struct, Enum => Enum.IsDefined(value) && Known<TEnum>.ByName.ContainsKey(Of(value));

    /// <summary>The member named <paramref name="name"/>, or <c>Unrecognized</c> (-1).</summary>
    public static TEnum Parse<TEnum>(string name) where TEnum : struct, Enum =>
        Known<TEnum>.ByName.TryGetValue(name, out var value) ? value : (TEnum)Enum.ToObject(typeof(TEnum), -1);

    private static class Known<TEnum> where TEnum : struct, Enum
    {
        public static readonly FrozenDictionary<string, TEnum> ByName = Enum.GetValues<TEnum>()
            .Where(value => Convert.ToInt64(value, CultureInfo.InvariantCulture) >= 0)
            .ToFrozenDictionary(Of, StringComparer.Ordinal);

        public static readonly IComparer<string> InDeclarationOrder = Comparer<string>.Create((a, b) => ByName[a].CompareTo(ByName[b]));
    }
}

/// <summary>
/// Binds an enum setting by its configuration name (see <see cref="KebabCaseNames"/>). Any other text becomes the
/// <c>Unrecognized</c> member instead of an exception: the configuration binder stops at the first value it cannot
/// convert and loses every other error, while the feature's validator reports this one naming the setting, never the value.
/// </summary>
internal sealed class KebabCaseEnumConverter<TEnum> : TypeConverter where TEnum : struct, Enum
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) =>
        sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value) =>
        value is string name ? KebabCaseNames.Parse<TEnum>(name) : base.ConvertFrom(context, culture, value);

    public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value, Type destinationType) =>
        destinationType == typeof(string) && value is TEnum member ? KebabCaseNames.Of(member) : base.ConvertTo(context, culture, value, destinationType);
}
