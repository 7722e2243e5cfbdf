using System.Globalization;
using System.Net;
using System.Xml;
using System.Xml.Linq;
using Gateway.Signing.Credentials;

namespace Gateway.Signing.Sts;

/// <summary>
/// Reads an AWS STS Query API answer: <c>&lt;{Action}Response&gt;&lt;{Action}Result&gt;&lt;Credentials&gt;</c> with
/// <c>AccessKeyId</c>, <c>SecretAccessKey</c>, <c>SessionToken</c> and <c>Expiration</c>, or <c>&lt;ErrorResponse&gt;&lt;Error&gt;&lt;Code&gt;</c>.
/// Elements are matched by local name, whatever the namespace.
/// </summary>
internal static class AwsStsResponse
{
    internal const string Service = "AWS STS";

    private const int MaxDocumentChars = 1 << 20;

    // Codes AWS SDKs retry: throttling, the service's own failures, and an identity provider that did not answer.
    private static readonly string[] s_transientCodes =
        ["Throttling", "ThrottlingException", "RequestLimitExceeded", "ServiceUnavailable", "InternalFailure", "InternalError", "IDPCommunicationError"];

    private static readonly XmlReaderSettings s_settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = MaxDocumentChars,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
    };

    /// <summary>Returns the credentials in <paramref name="reply"/>, which must expire after <paramref name="now"/>.</summary>
    /// <exception cref="StsException">The answer is an error or cannot be read.</exception>
    public static StorageCredentials Parse(in StsReply reply, string action, DateTimeOffset now)
    {
        HttpStatusCode status = reply.Status;
        XElement root;
        try
        {
            using var stream = new MemoryStream(reply.Body, writable: false);
            using var reader = XmlReader.Create(stream, s_settings);
            root = XDocument.Load(reader).Root ?? throw new XmlException();
        }
        catch (XmlException)
        {
            // Never the exception itself: its message can quote the offending text.
            throw StsHttp.IsSuccess(status)
                ? StsException.Malformed(Service, action, status, "not XML")
                : StsException.ServiceError(Service, action, status, errorCode: null, StsHttp.IsTransientStatus(status));
        }

        if (root.Name.LocalName == "ErrorResponse")
        {
            string? code = StsHttp.SanitizeErrorCode(Child(Child(root, "Error"), "Code")?.Value);
            throw StsException.ServiceError(Service, action, status, code, IsTransient(status, code));
        }

        if (!StsHttp.IsSuccess(status))
        {
            throw StsException.ServiceError(Service, action, status, errorCode: null, StsHttp.IsTransientStatus(status));
        }

        if (root.Name.LocalName != action + "Response")
        {
            throw StsException.Malformed(Service, action, status, "not an " + action + "Response");
        }

        XElement credentials = Child(Child(root, action + "Result"), "Credentials")
            ?? throw StsException.Malformed(Service, action, status, "missing Credentials");

        string accessKeyId = Required(credentials, "AccessKeyId", action, status);
        string secretKey = Required(credentials, "SecretAccessKey", action, status);
        string sessionToken = Required(credentials, "SessionToken", action, status);
        if (!DateTimeOffset.TryParse(
                Required(credentials, "Expiration", action, status),
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                out DateTimeOffset expiration))
        {
            throw StsException.Malformed(Service, action, status, "Expiration is not a date");
        }

        return StsHttp.Issued(Service, action, status, accessKeyId, secretKey, sessionToken, expiration, now);
    }

    private static bool IsTransient(HttpStatusCode status, string? code) =>
        StsHttp.IsTransientStatus(status) || (code is not null && s_transientCodes.Contains(code, StringComparer.Ordinal));

    private static XElement? Child(XElement? parent, string localName) =>
        parent?.Elements().FirstOrDefault(element => element.Name.LocalName == localName);

    private static string Required(XElement credentials, string localName, string action, HttpStatusCode status) =>
        Child(credentials, localName)?.Value.Trim() is { Length: > 0 } value
            ? value
            : throw StsException.Malformed(Service, action, status, "missing Credentials." + localName);
}
