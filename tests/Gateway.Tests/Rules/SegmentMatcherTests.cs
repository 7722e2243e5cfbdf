using System.Text.RegularExpressions;
using CsCheck;
using Gateway.Rules;

namespace Gateway.Tests.Rules;

/// <summary>
/// Composite segments (literal text, <c>*</c> and placeholders in one segment) against a regex model, on keys a
/// caller builds to make a backtracking matcher try every split: the work must stay linear in the segment's length.
/// </summary>
public sealed class SegmentMatcherTests
{
    private static readonly string[] ClaimValues = ["a", "aa"];

    [Theory]
    [InlineData("*a*a*b*.tmp", 1000, ".tmp")]
    [InlineData("*a*a*b*.tmp", 1000, "b.tmp")]
    [InlineData("*a*a*a*a*a*b*.tmp", 120, ".tmp")]
    [InlineData("*{claim:x}*{claim:x}*{v}*b", 1000, "")]
    [InlineData("a*a*a*a*a*a*a*a*", 1000, "")]
    [InlineData("*aaaaaaaab*", 1000, "")]
    [InlineData("x*a*{claim:x}*a*b*y", 1000, "")]
    // Placeholders side by side need every position they can end at, kept in a rented set for a long segment.
    [InlineData("*{claim:x}{v}{claim:x}*b", 1000, "b")]
    [InlineData("*{claim:x}{v}{claim:x}b", 1000, "b")]
    [InlineData("*{claim:x}{claim:x}{claim:x}c", 1000, "")]
    public void Matches_AdversarialSegment_AgreesWithTheModelInLinearWork(string pattern, int repeat, string tail)
    {
        var segment = new string('a', repeat) + tail;
        var matcher = Compile(pattern, ignoreCase: false);
        var request = Request(ClaimValues, "a");

        var matched = matcher.Matches(segment, request, out var work);

        Assert.Equal(Reference(pattern, segment, ClaimValues, "a", ignoreCase: false), matched);
        Assert.InRange(work, 0, WorkBound(pattern, segment, ClaimValues));
    }

    [Fact]
    public void Matches_RandomSegmentsAgainstManyWildcards_AgreeWithTheModelInLinearWork()
    {
        var token = Gen.Frequency<string>((4, Gen.Const("*")), (3, Gen.OneOf("a", "b", "ab", "A")), (1, Gen.Const("{claim:x}")), (1, Gen.Const("{v}")));
        var pattern = token.Array[1, 9].Select(tokens => CollapseWildcards(string.Concat(tokens)));
        var segment = Gen.Frequency<string>(
            (3, Gen.OneOf("a", "b", "A").Array[0, 40].Select(string.Concat)),
            (1, Gen.Int[0, 200].Select(n => new string('a', n) + "b")));
        var claims = Gen.OneOf("a", "b", "ab", "aa", "").Array[0, 3];
        var routeValue = Gen.OneOf<string?>(null, "", "a", "ba");

        Gen.Select(pattern, segment, claims, routeValue, Gen.Bool).Sample(
            (pattern, segment, claims, routeValue, ignoreCase) =>
            {
                var matched = Compile(pattern, ignoreCase).Matches(segment, Request(claims, routeValue), out var work);

                Assert.Equal(Reference(pattern, segment, claims, routeValue, ignoreCase), matched);
                Assert.InRange(work, 0, WorkBound(pattern, segment, claims));
            },
            iter: 2000);
    }

    private static SegmentMatcher Compile(string pattern, bool ignoreCase) =>
        SegmentPattern.ParseSegment(pattern, ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal, out var error)
        ?? throw new InvalidOperationException(error);

    private static AccessRequest Request(string[] claims, string? routeValue)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (routeValue is not null)
        {
            values["v"] = routeValue;
        }

        return new AccessRequest("GET", "k", "/k", null, values, Caller.FromClaims(claims.Select(value => new KeyValuePair<string, string>("x", value))));
    }

    // Linear: a bounded number of steps for each part, each claim value and each position of the segment.
    private static int WorkBound(string pattern, string segment, string[] claims) =>
        4 * (pattern.Length + 1) * (claims.Length + 1) * (segment.Length + 1);

    private static string CollapseWildcards(string pattern) => Regex.Replace(pattern, @"\*{2,}", "*");

    private static bool Reference(string pattern, string segment, string[] claims, string? routeValue, bool ignoreCase)
    {
        if (pattern == "*")
        {
            return segment.Length > 0; // a whole-segment '*' is one non-empty segment
        }

        var regex = "^";
        foreach (Match token in Regex.Matches(pattern, @"\{claim:x\}|\{v\}|\*|[^{*]+"))
        {
            switch (token.Value)
            {
                case "{claim:x}":
                    var values = claims.Where(value => value.Length > 0).Select(Regex.Escape).ToList();
                    if (values.Count == 0)
                    {
                        return false;
                    }

                    regex += "(?:" + string.Join('|', values) + ")";
                    break;
                case "{v}":
                    if (string.IsNullOrEmpty(routeValue))
                    {
                        return false;
                    }

                    regex += Regex.Escape(routeValue);
                    break;
                case "*":
                    regex += ".*";
                    break;
                default:
                    regex += ignoreCase ? $"(?i:{Regex.Escape(token.Value)})" : Regex.Escape(token.Value);
                    break;
            }
        }

        return Regex.IsMatch(segment, regex + @"\z", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }
}
