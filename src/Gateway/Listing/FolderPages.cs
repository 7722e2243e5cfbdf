using System.Security.Cryptography;
using Gateway.Audit;
using Gateway.Authorization;
using Gateway.Diagnostics;
using Gateway.Redirect;
using Gateway.Routing;
using Gateway.Rules;
using Gateway.Signing.Credentials;
using Gateway.Stores;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Gateway.Listing;

/// <summary>
/// Answers a folder path (ending in <c>/</c>) of a route with <c>Download.Listing</c>: one page of the names beneath the
/// folder's key prefix, each decided by the <see cref="DownloadDecider"/> exactly as a download of its friendly URL would
/// be. A file is shown only when the caller may download it; a sub-folder only when some key beneath it is such a file.
/// It runs as the redirect step, so authentication, limits, authorization and the audit record are the download's.
/// </summary>
internal sealed partial class FolderPages(
    RuleSetProvider rules, StoreRegistry stores, StoreLister lister, IDataProtectionProvider protection, TimeProvider time, IOptions<ListingOptions> options, ILogger<FolderPages> logger)
{
    public const string PageOption = "page";
    public const string SortOption = "sort";
    public const string OrderOption = "order";

    private static readonly TimeSpan PageTokenLifetime = TimeSpan.FromHours(1);
    private const int ProbeConcurrency = 4;

    // The store's continuation token may be a key (a COS marker): it leaves the gateway only encrypted, bound to its prefix.
    private readonly ITimeLimitedDataProtector _pageTokens = protection.CreateProtector("Gateway.Listing.Page").ToTimeLimitedDataProtector();
    private readonly ListingOptions _settings = options.Value;

    /// <summary>Whether <paramref name="context"/> asks for a folder page: a listing route, a path ending in <c>/</c>, not a batch item.</summary>
    public static bool IsFolderRequest(HttpContext context, DownloadRoute route) =>
        route.Listing
        && context.Request.Path.Value is [.., '/']
        && !ReferenceEquals(context.Features.Get<Hosting.InProcessRequest>(), Hosting.InProcessRequest.BatchItem);

    public async Task AnswerAsync(HttpContext context, DownloadDecision decision)
    {
        var request = context.Request;
        var route = decision.Route;
        var trailing = route.KeyTemplate.TrailingPlaceholder!;
        var folder = request.RouteValues.GetValueOrDefault(trailing) as string ?? "";
        var prefix = route.KeyTemplate.TryBuildPrefix(request.RouteValues, folder, out var keyError);
        if (prefix is null)
        {
            decision.Decide(DecisionReason.InvalidKey, keyError);
            await DownloadRedirectMiddleware.RefuseAsync(context, decision);
            return;
        }

        if (!TryReadOptions(request.Query, prefix, out var view, out var optionsError))
        {
            decision.Decide(DecisionReason.InvalidOptions, optionsError);
            await DownloadRedirectMiddleware.RefuseAsync(context, decision);
            return;
        }

        var store = stores.Get(route.StoreName);
        StorageCredentials credentials;
        try
        {
            credentials = await store.Credentials.GetCredentialsAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            Log.CredentialsUnavailable(logger, store.Name, ex.GetType().Name);
            decision.Decide(DecisionReason.CredentialsUnavailable);
            await DownloadRedirectMiddleware.RefuseAsync(context, decision);
            return;
        }

        if (UrlLifetime.Clamp(TimeSpan.FromMinutes(1), time.GetUtcNow(), credentials.Expiration) < UrlLifetime.Minimum)
        {
            decision.Decide(DecisionReason.CredentialsExpired);
            await DownloadRedirectMiddleware.RefuseAsync(context, decision);
            return;
        }

        var path = request.Path.Value!;
        var question = new Question(rules.Current, route, trailing, folder, prefix, path, request.RouteValues, Caller.Of(context));
        var client = context.GetReverseProxyFeature().Cluster.HttpClient;
        FolderPage page;
        try
        {
            page = await ListAsync(question, store, credentials, client, view, context.RequestAborted);
        }
        catch (StoreListingException ex)
        {
            Log.ListingFailed(logger, route.RouteId, store.Name, ex.TimedOut);
            decision.Decide(ex.TimedOut ? DecisionReason.StoreTimeout : DecisionReason.StoreUnreachable);
            await DownloadRedirectMiddleware.RefuseAsync(context, decision);
            return;
        }

        decision.Listed(store.Address.Bucket, prefix, page.Entries.Count);
        if (page.Entries.Count == 0 && view.Token is null && page.NextToken is null)
        {
            // Nothing the caller may open: the same answer whether the folder is empty, missing or all denied.
            decision.Decide(DecisionReason.NothingListed);
            await (context.User.Identity?.IsAuthenticated != true ? context.ChallengeAsync() : DownloadRedirectMiddleware.RefuseAsync(context, decision));
            return;
        }

        decision.Decide(DecisionReason.Listed);
        var next = page.NextToken is null ? null : _pageTokens.Protect(prefix + "\n" + page.NextToken, PageTokenLifetime);
        await FolderPageWriter.WriteAsync(context, page with { NextToken = next }, view, path[..^folder.Length], folder);
    }

    private async Task<FolderPage> ListAsync(Question question, Store store, StorageCredentials credentials, HttpMessageInvoker client, FolderView view, CancellationToken cancellationToken)
    {
        var listed = await lister.ListAsync(store, credentials, client, question.Prefix, oneLevel: true, _settings.PageSize, view.Token, cancellationToken);
        var entries = new List<FolderEntry>();
        foreach (var item in listed.Objects)
        {
            var name = item.Key[question.Prefix.Length..];
            if (name.Length > 0 && name[^1] != '/' && question.MayDownload(name))
            {
                entries.Add(new FolderEntry(name, IsFolder: false, item.Size, item.LastModified));
            }
        }

        var folders = new FolderEntry?[listed.Folders.Count];
        await Parallel.ForAsync(0, folders.Length, new ParallelOptions { MaxDegreeOfParallelism = ProbeConcurrency, CancellationToken = cancellationToken }, async (i, token) =>
        {
            var folderPrefix = listed.Folders[i];
            if (ObjectKeyRules.Check(folderPrefix.AsSpan().TrimEnd('/'), allowEmpty: false) is null
                && await AnyDownloadableAsync(question, store, credentials, client, folderPrefix, token))
            {
                folders[i] = new FolderEntry(folderPrefix[question.Prefix.Length..], IsFolder: true, null, null);
            }
        });

        entries.AddRange(folders.OfType<FolderEntry>());
        return new FolderPage(entries, listed.Next);
    }

    /// <summary>Whether some key beneath <paramref name="folderPrefix"/>, among the first <see cref="ListingOptions.FolderProbeLimit"/>, is one the caller may download.</summary>
    private async Task<bool> AnyDownloadableAsync(Question question, Store store, StorageCredentials credentials, HttpMessageInvoker client, string folderPrefix, CancellationToken cancellationToken)
    {
        var examined = 0;
        string? next = null;
        do
        {
            var pageSize = Math.Min(1000, _settings.FolderProbeLimit - examined);
            var page = await lister.ListAsync(store, credentials, client, folderPrefix, oneLevel: false, pageSize, next, cancellationToken);
            foreach (var item in page.Objects)
            {
                var name = item.Key[question.Prefix.Length..];
                if (name[^1] != '/' && question.MayDownload(name))
                {
                    return true;
                }
            }

            examined += page.Objects.Count;
            next = page.Next;
        }
        while (next is not null && examined < _settings.FolderProbeLimit);

        return false;
    }

    private bool TryReadOptions(IQueryCollection query, string prefix, out FolderView view, out string? error)
    {
        view = default;
        error = null;
        foreach (var (name, values) in query)
        {
            if (name is not (PageOption or SortOption or OrderOption or DownloadLink.FormatOption) || values.Count != 1)
            {
                error = "A folder page takes only the 'page', 'sort', 'order' and 'format' options, each once.";
                return false;
            }
        }

        var sort = query[SortOption].ToString() switch
        {
            "" or "name" => FolderSort.Name,
            "size" => FolderSort.Size,
            "date" => FolderSort.Date,
            _ => (FolderSort?)null,
        };
        var descending = query[OrderOption].ToString() switch
        {
            "" or "asc" => false,
            "desc" => true,
            _ => (bool?)null,
        };
        if (sort is null || descending is null)
        {
            error = "'sort' is one of name, size and date; 'order' is asc or desc.";
            return false;
        }

        string? token = null;
        if (query[PageOption].ToString() is { Length: > 0 } protectedToken)
        {
            try
            {
                var payload = _pageTokens.Unprotect(protectedToken);
                token = payload.StartsWith(prefix + "\n", StringComparison.Ordinal) ? payload[(prefix.Length + 1)..] : null;
            }
            catch (CryptographicException)
            {
            }

            if (string.IsNullOrEmpty(token))
            {
                error = "The 'page' link has expired or belongs to another folder; open the folder again.";
                return false;
            }
        }

        view = new FolderView(sort.Value, descending.Value, token);
        return true;
    }

    /// <summary>What each name of one folder is decided with: the rules in force, and the folder's route values, path and caller.</summary>
    private sealed record Question(RuleSet Rules, DownloadRoute Route, string Trailing, string Folder, string Prefix, string Path, RouteValueDictionary RouteValues, Caller Caller)
    {
        /// <summary>Whether a GET of the folder's path plus <paramref name="name"/> would be allowed, for exactly the listed key.</summary>
        public bool MayDownload(string name)
        {
            var values = new RouteValueDictionary(RouteValues) { [Trailing] = Folder + name };
            var verdict = DownloadDecider.Decide(Rules, Route, new DownloadQuestion(HttpMethods.Get, Path + name, values, QueryCollection.Empty, Caller));
            return verdict.Allowed && verdict.ObjectKey == Prefix + name;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = LogEvents.CredentialsUnavailable, Level = LogLevel.Error, Message = "Credentials for store {Store} are unavailable ({ErrorType}).")]
        public static partial void CredentialsUnavailable(ILogger logger, string store, string errorType);

        [LoggerMessage(EventId = LogEvents.ListingFailed, Level = LogLevel.Warning, Message = "Route {RouteId} could not list store {Store} (timed out: {TimedOut}).")]
        public static partial void ListingFailed(ILogger logger, string routeId, string store, bool timedOut);
    }
}

/// <summary>How a folder page is shown: its sort order and the store's token of the page asked for.</summary>
/// <param name="Sort">The column sorted by.</param>
/// <param name="Descending">Whether the order is reversed.</param>
/// <param name="Token">The store's continuation token, decrypted; null for the first page.</param>
internal readonly record struct FolderView(FolderSort Sort, bool Descending, string? Token);

/// <summary>What a folder page is sorted by; sub-folders always come first.</summary>
internal enum FolderSort
{
    Name,
    Size,
    Date,
}

/// <summary>One name shown on a folder page.</summary>
/// <param name="Name">The name relative to the folder; a sub-folder's ends in <c>/</c>.</param>
/// <param name="IsFolder">Whether it is a sub-folder.</param>
/// <param name="Size">A file's size in bytes.</param>
/// <param name="LastModified">When a file was last written.</param>
internal sealed record FolderEntry(string Name, bool IsFolder, long? Size, DateTimeOffset? LastModified);

/// <summary>What one folder page shows.</summary>
/// <param name="Entries">The names the caller may open.</param>
/// <param name="NextToken">The token of the next page, or null on the last.</param>
internal sealed record FolderPage(IReadOnlyList<FolderEntry> Entries, string? NextToken);
