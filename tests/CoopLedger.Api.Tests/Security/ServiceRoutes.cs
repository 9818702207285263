using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CoopLedger.Api.Tests.Security;

/// <summary>One route of the running service, as its endpoint data source lists it.</summary>
internal sealed record ServiceRoute(string Method, string Pattern, string? Policy, bool Anonymous)
{
    /// <summary>A concrete path: ids made up (or the ones given), the projection and document names real.</summary>
    public string Path(Guid? partnershipId = null) => Regex.Replace(Pattern, @"\{([a-zA-Z]+)(:[a-z]+)?\}", m => m.Groups[1].Value switch
    {
        "id" => (partnershipId ?? Guid.NewGuid()).ToString(),
        "name" => "funding_per_year",
        "documentName" => "v1",
        _ => Guid.NewGuid().ToString(),
    });

    public override string ToString() => $"{Method} {Pattern}";

    /// <summary>Every route the service maps, one per method.</summary>
    public static IReadOnlyList<ServiceRoute> Of(ApiFactory api) =>
        [.. api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Where(method => method != HttpMethods.Head)
                .Select(method => new ServiceRoute(method, "/" + endpoint.RoutePattern.RawText!.Trim('/'),
                    endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).LastOrDefault(p => p is not null),
                    endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)))
            .OrderBy(r => r.Pattern, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal)];
}
