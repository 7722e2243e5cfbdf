namespace Gateway.Signing.Tests.Credentials;

/// <summary>Checks that text meant for logs and messages holds none of the given secrets.</summary>
internal static class SecretAssert
{
    public static void Absent(Exception exception, params string[] secrets)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            Absent(current.Message, secrets);
        }

        Absent(exception.ToString(), secrets);
    }

    public static void Absent(string text, params string[] secrets)
    {
        foreach (string secret in secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }
}
