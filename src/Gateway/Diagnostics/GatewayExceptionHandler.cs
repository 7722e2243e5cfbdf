using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;

namespace Gateway.Diagnostics;

/// <summary>
/// The last line: an unhandled exception becomes a clear 503 when the identity provider cannot be reached, the 4xx
/// a bad request stands for, and a bare 500 otherwise; never a stack trace or an internal message.
/// </summary>
internal sealed partial class GatewayExceptionHandler(ILogger<GatewayExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (IsIdentityProviderUnreachable(exception))
        {
            Log.IdentityProviderUnreachable(logger, exception.GetType().Name);
            context.Response.Headers.RetryAfter = "30";
            await Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Sign-in is unavailable", "The sign-in service cannot be reached right now.");
            return true;
        }

        // Development makes ASP.NET Core throw on a body it cannot bind (RouteHandlerOptions.ThrowOnBadRequest) where
        // Production answers 400 itself: answer the 4xx it carries either way, since bad input never gets a 5xx.
        if (exception is BadHttpRequestException { StatusCode: >= 400 and < 500 } badRequest)
        {
            Log.BadRequestThrown(logger, badRequest.StatusCode);
            await Problems.WriteAsync(context, badRequest.StatusCode, ReasonPhrases.GetReasonPhrase(badRequest.StatusCode));
            return true;
        }

        Log.Unhandled(logger, exception);
        await Problems.WriteAsync(context, StatusCodes.Status500InternalServerError, "Something went wrong", "The gateway could not complete the request.");
        return true;
    }

    // Metadata and JWKS retrieval wrap network failures in InvalidOperationException (IDX20803 and friends).
    private static bool IsIdentityProviderUnreachable(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is HttpRequestException or TaskCanceledException or TimeoutException
                || current.Message.StartsWith("IDX20803", StringComparison.Ordinal)
                || current.Message.StartsWith("IDX20804", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.IdentityProviderUnreachable, Level = LogLevel.Error, Message = "The identity provider cannot be reached ({ErrorType}).")]
        public static partial void IdentityProviderUnreachable(ILogger logger, string errorType);

        // No exception text: it may quote the body.
        [LoggerMessage(EventId = LogEvents.BadRequestThrown, Level = LogLevel.Debug, Message = "A request the endpoint could not bind was answered {StatusCode}.")]
        public static partial void BadRequestThrown(ILogger logger, int statusCode);

        [LoggerMessage(EventId = LogEvents.Unhandled, Level = LogLevel.Error, Message = "Unhandled exception.")]
        public static partial void Unhandled(ILogger logger, Exception exception);
    }
}
