using System.Collections.Concurrent;
using Gateway.Signing.Cos;
using Gateway.Signing.Credentials;
using Gateway.Signing.SigV4;
using Gateway.Signing.Tests.TestSupport;

namespace Gateway.Signing.Tests;

/// <summary>What every <see cref="IPresigner"/> promises, checked on each implementation.</summary>
public sealed class PresignerContractTests
{
    private const string Cos = "cos";
    private const string SigV4 = "sigv4";
    private const string Key = "tenants/acme/report 2024.pdf";

    private static readonly DateTimeOffset s_signedAt = new(2025, 3, 4, 23, 59, 58, TimeSpan.Zero);
    private static readonly TimeSpan s_expiresIn = TimeSpan.FromMinutes(5);
    private static readonly StoreAddress s_address = new() { Bucket = "examplebucket-1250000000", Region = "ap-guangzhou" };

    public static TheoryData<string> Kinds => new(Cos, SigV4);

    public static TheoryData<string, string?> KindsAndBadMethods
    {
        get
        {
            var data = new TheoryData<string, string?>();
            foreach (string kind in new[] { Cos, SigV4 })
            {
                foreach (string? method in new[] { "POST", "PUT", "DELETE", "get", "Head", "", null })
                {
                    data.Add(kind, method);
                }
            }

            return data;
        }
    }

    public static TheoryData<string, double> KindsAndBadExpiries
    {
        get
        {
            var data = new TheoryData<string, double>();
            foreach (string kind in new[] { Cos, SigV4 })
            {
                // Seconds: zero, negative, under one second, and one second past seven days.
                foreach (double seconds in new[] { 0, -1, 0.5, 604_801 })
                {
                    data.Add(kind, seconds);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(KindsAndBadMethods))]
    public void Presign_MethodNotGetOrHead_ThrowsArgumentException(string kind, string? method)
    {
        IPresigner presigner = Create(kind, s_address);

        Assert.Throws<ArgumentException>(() => presigner.Presign(Request() with { Method = method! }, TestCredentials.Permanent));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Presign_Head_Succeeds(string kind)
    {
        IPresigner presigner = Create(kind, s_address);

        Assert.NotEqual(
            presigner.Presign(Request(), TestCredentials.Permanent),
            presigner.Presign(Request() with { Method = "HEAD" }, TestCredentials.Permanent));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Presign_EmptyOrNullKey_ThrowsArgumentException(string kind)
    {
        IPresigner presigner = Create(kind, s_address);

        Assert.Throws<ArgumentException>(() => presigner.Presign(Request() with { Key = "" }, TestCredentials.Permanent));
        Assert.Throws<ArgumentException>(() => presigner.Presign(Request() with { Key = null! }, TestCredentials.Permanent));
    }

    [Theory]
    [MemberData(nameof(KindsAndBadExpiries))]
    public void Presign_ExpiryOutOfRange_ThrowsArgumentException(string kind, double seconds)
    {
        IPresigner presigner = Create(kind, s_address);
        PresignRequest request = Request() with { ExpiresIn = TimeSpan.FromSeconds(seconds) };

        Assert.Throws<ArgumentException>(() => presigner.Presign(request, TestCredentials.Permanent));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Presign_ExpiryOneSecondAndSevenDays_Succeeds(string kind)
    {
        IPresigner presigner = Create(kind, s_address);

        Assert.Equal(TimeSpan.FromDays(7), presigner.MaxExpiry);
        presigner.Presign(Request() with { ExpiresIn = TimeSpan.FromSeconds(1) }, TestCredentials.Permanent);
        presigner.Presign(Request() with { ExpiresIn = presigner.MaxExpiry }, TestCredentials.Permanent);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Presign_NullOrIncompleteCredentials_Throws(string kind)
    {
        IPresigner presigner = Create(kind, s_address);

        Assert.Throws<ArgumentNullException>(() => presigner.Presign(Request(), null!));
        Assert.Throws<ArgumentException>(() => presigner.Presign(Request(), TestCredentials.WithSecret("")));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Presign_KeyWithLoneSurrogate_ThrowsArgumentException(string kind)
    {
        IPresigner presigner = Create(kind, s_address);

        Assert.Throws<ArgumentException>(() => presigner.Presign(Request() with { Key = "a\uD800b.txt" }, TestCredentials.Permanent));
        Assert.Throws<ArgumentException>(() => presigner.Presign(Request() with { Key = "dir/\uDE00" }, TestCredentials.Permanent));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Presign_QueryValueWithLoneSurrogate_ThrowsArgumentException(string kind)
    {
        IPresigner presigner = Create(kind, s_address);
        PresignRequest request = Request() with { QueryParameters = [new("response-content-disposition", "x\uD83D")] };

        Assert.Throws<ArgumentException>(() => presigner.Presign(request, TestCredentials.Permanent));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Presign_AnyRejectedInput_ExceptionNeverShowsSecretOrToken(string kind)
    {
        IPresigner presigner = Create(kind, s_address);
        PresignRequest[] badRequests =
        [
            Request() with { Method = "PUT" },
            Request() with { Key = "" },
            Request() with { Key = "\uD800" },
            Request() with { ExpiresIn = TimeSpan.Zero },
            Request() with { ExpiresIn = TimeSpan.FromDays(8) },
            Request() with { QueryParameters = [new("", "v")] },
            Request() with { QueryParameters = [new("a", "1"), new("a", "2")] },
        ];

        foreach (PresignRequest request in badRequests)
        {
            ArgumentException exception = Assert.Throws<ArgumentException>(() => presigner.Presign(request, TestCredentials.Temporary));

            Assert.DoesNotContain(TestCredentials.SecretKey, exception.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(TestCredentials.SessionToken, exception.ToString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Presign_PublicBaseUrl_SwapsSchemeAndAuthorityOnly(string kind)
    {
        string signed = Create(kind, s_address).Presign(Request(), TestCredentials.Temporary);
        string signingOrigin = new Uri(signed).GetLeftPart(UriPartial.Authority);

        string viaCdn = Create(kind, s_address with { PublicBaseUrl = new Uri("http://cdn.example.com:8080/") })
            .Presign(Request(), TestCredentials.Temporary);

        // Same path, same query, same signature: only the origin differs, and the signature still covers the signing host.
        Assert.StartsWith("https://examplebucket-1250000000.", signingOrigin, StringComparison.Ordinal);
        Assert.Equal("http://cdn.example.com:8080" + signed[signingOrigin.Length..], viaCdn);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Presign_SameInputs_IsDeterministic(string kind)
    {
        IPresigner presigner = Create(kind, s_address);

        Assert.Equal(presigner.Presign(Request(), TestCredentials.Temporary), presigner.Presign(Request(), TestCredentials.Temporary));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Presign_ManyThreadsWithDifferentTimesAndSecrets_MatchesFreshPresigner(string kind)
    {
        // Times cross midnight (a new SigV4 date) and change second (a new COS KeyTime); expiry and secret vary too.
        DateTimeOffset[] times = [.. Enumerable.Range(0, 12).Select(i => s_signedAt.AddSeconds(i * 3_601))];
        TimeSpan[] expiries = [s_expiresIn, TimeSpan.FromHours(1)];
        StorageCredentials[] credentials = [TestCredentials.WithSecret("first-secret"), TestCredentials.WithSecret("second-secret")];
        var cases = (
            from t in times
            from e in expiries
            from c in credentials
            select (Request: Request() with { SignedAt = t, ExpiresIn = e }, Credentials: c)).ToArray();
        string[] expected = [.. cases.Select(c => Create(kind, s_address).Presign(c.Request, c.Credentials))];
        Assert.Equal(expected.Length, expected.Distinct().Count());

        // A seeded random order, so each thread's cache lookups keep switching between nearby entries.
        var random = new Random(7919);
        int[] order = [.. Enumerable.Range(0, 20_000).Select(_ => random.Next(cases.Length))];

        IPresigner shared = Create(kind, s_address);
        var mismatches = new ConcurrentBag<int>();
        Parallel.For(
            0,
            order.Length,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(4, Environment.ProcessorCount * 2) },
            i =>
            {
                int index = order[i];
                if (shared.Presign(cases[index].Request, cases[index].Credentials) != expected[index])
                {
                    mismatches.Add(index);
                }
            });

        Assert.Empty(mismatches);
    }

    public static TheoryData<string, string, string?, bool> KindsAndAddressesUrlsWouldChange
    {
        get
        {
            var data = new TheoryData<string, string, string?, bool>();
            foreach (string kind in new[] { Cos, SigV4 })
            {
                data.Add(kind, "ExampleBucket", null, false); // a parser lower-cases the host, so the signed host is not sent
                data.Add(kind, "a..b", null, false); // an empty label: no valid host
                data.Add(kind, ".bucket", "https://minio.example.com", false);
                data.Add(kind, "bucket", "http://[::1]:9000", false); // "bucket.[::1]" is no host
                data.Add(kind, "..", "http://127.0.0.1:9000", true); // "/../key" resolves to "/key"
                data.Add(kind, ".", "http://127.0.0.1:9000", true);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(KindsAndAddressesUrlsWouldChange))]
    public void Constructor_AddressAUrlParserWouldChange_ThrowsArgumentExceptionNamingTheSettings(
        string kind, string bucket, string? endpoint, bool pathStyle)
    {
        StoreAddress address = s_address with
        {
            Bucket = bucket,
            Endpoint = endpoint is null ? null : new Uri(endpoint),
            ForcePathStyle = pathStyle,
        };

        ArgumentException exception = Assert.Throws<ArgumentException>(() => Create(kind, address));

        Assert.Contains("StoreAddress.Bucket", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(KindsAndAddressesUrlsWouldChange))]
    public void AddressProblem_AddressAUrlParserWouldChange_IsTheConstructorsMessage(
        string kind, string bucket, string? endpoint, bool pathStyle)
    {
        StoreAddress address = s_address with
        {
            Bucket = bucket,
            Endpoint = endpoint is null ? null : new Uri(endpoint),
            ForcePathStyle = pathStyle,
        };

        string? problem = AddressProblem(kind, address);

        ArgumentException exception = Assert.Throws<ArgumentException>(() => Create(kind, address));
        Assert.NotNull(problem);
        Assert.StartsWith(problem, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void AddressProblem_AddressTheConstructorAccepts_IsNull(string kind)
    {
        StoreAddress pathStyle = s_address with { Bucket = "LegacyBucket", Endpoint = new Uri("http://127.0.0.1:9000"), ForcePathStyle = true };

        Assert.Null(AddressProblem(kind, s_address));
        Assert.Null(AddressProblem(kind, pathStyle));
        Assert.Null(AddressProblem(kind, s_address with { PublicBaseUrl = new Uri("https://cdn.example.com") }));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Constructor_UpperCaseBucketInPathStyle_IsKeptInThePath(string kind)
    {
        StoreAddress address = s_address with { Bucket = "LegacyBucket", Endpoint = new Uri("http://127.0.0.1:9000"), ForcePathStyle = true };

        Assert.StartsWith("http://127.0.0.1:9000/LegacyBucket/tenants/", Create(kind, address).Presign(Request(), TestCredentials.Permanent), StringComparison.Ordinal);
    }

    private static PresignRequest Request() => new("GET", Key, s_signedAt, s_expiresIn);

    private static string? AddressProblem(string kind, StoreAddress address) => kind switch
    {
        Cos => CosPresigner.AddressProblem(address),
        SigV4 => SigV4Presigner.AddressProblem(address),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static IPresigner Create(string kind, StoreAddress address) => kind switch
    {
        Cos => new CosPresigner(address),
        SigV4 => new SigV4Presigner(address),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
