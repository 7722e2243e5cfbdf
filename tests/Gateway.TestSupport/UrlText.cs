namespace Gateway.TestSupport;

/// <summary>Readings of a URL made without the code under test: a strict percent-decoder, and the path a browser would ask for.</summary>
public static class UrlText
{
    /// <summary>
    /// Decodes <c>%XX</c> escapes (either hex case) and reads the bytes as strict UTF-8. Throws on a bare <c>%</c>, a bad hex
    /// pair, a character outside ASCII or bytes that are not UTF-8, so only well-formed escaping decodes.
    /// </summary>
    public static string PercentDecode(string encoded)
    {
        var bytes = new List<byte>(encoded.Length);
        for (int i = 0; i < encoded.Length; i++)
        {
            char c = encoded[i];
            if (c > '\u007F')
            {
                throw new FormatException("Encoded text holds a character outside ASCII.");
            }

            if (c != '%')
            {
                bytes.Add((byte)c);
                continue;
            }

            if (i + 2 >= encoded.Length)
            {
                throw new FormatException("A '%' is not followed by two hex digits.");
            }

            bytes.Add(Convert.FromHexString(encoded.AsSpan(i + 1, 2))[0]);
            i += 2;
        }

        return HostileText.StrictUtf8.GetString([.. bytes]);
    }

    /// <summary>
    /// The path a WHATWG URL parser (browsers, fetch) makes of the raw path of an http(s) URL: tab, CR and LF dropped,
    /// <c>\</c> read as <c>/</c>, and <c>.</c> and <c>..</c> segments (also written with <c>%2e</c>) resolved.
    /// </summary>
    public static string BrowserPath(string rawPath)
    {
        string path = rawPath.Replace("\t", "", StringComparison.Ordinal)
            .Replace("\n", "", StringComparison.Ordinal)
            .Replace("\r", "", StringComparison.Ordinal);
        string[] segments = path.Split('/', '\\');
        var output = new List<string>();
        for (int i = 1; i < segments.Length; i++)
        {
            string segment = segments[i];
            bool last = i == segments.Length - 1;
            if (IsDoubleDot(segment))
            {
                if (output.Count > 0)
                {
                    output.RemoveAt(output.Count - 1);
                }

                if (last)
                {
                    output.Add("");
                }
            }
            else if (IsSingleDot(segment))
            {
                if (last)
                {
                    output.Add("");
                }
            }
            else
            {
                output.Add(segment);
            }
        }

        return "/" + string.Join('/', output);
    }

    private static bool IsSingleDot(string segment) =>
        segment == "." || segment.Equals("%2e", StringComparison.OrdinalIgnoreCase);

    private static bool IsDoubleDot(string segment) =>
        segment == ".."
        || segment.Equals(".%2e", StringComparison.OrdinalIgnoreCase)
        || segment.Equals("%2e.", StringComparison.OrdinalIgnoreCase)
        || segment.Equals("%2e%2e", StringComparison.OrdinalIgnoreCase);
}
