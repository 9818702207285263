using CoopLedger.Projections.History;
using System.Text.Json;
using System.Text.Json.Serialization;
using CoopLedger.Domain.Partnerships;
using CoopLedger.Domain.Partnerships.Corrections;
using CoopLedger.EventStore;
using CoopLedger.EventStore.Aggregates;
using CoopLedger.EventStore.Events;
using CoopLedger.EventStore.Reading;
using CoopLedger.EventStore.GlobalLog;
using Npgsql;

namespace CoopLedger.Api.Partnerships;

/// <summary>The partnership streams: the event registry, the store and the aggregate handler, wired once.</summary>
public static class PartnershipLedger
{
    /// <summary>
    /// How events are stored: camelCase, enumerations by name (a stored number would change meaning if an
    /// enumeration were reordered), dates as ISO 8601.
    /// Strict on read: a missing field or a null where the event's type allows none is an error, never a half-built event.
    /// </summary>
    public static JsonSerializerOptions EventJson { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>The registry of every partnership event under its stable name.</summary>
    public static EventTypeRegistry CreateRegistry() =>
        PartnershipEventTypes.All.Aggregate(new EventTypeRegistry(EventJson), (registry, e) => registry.Register(e.Type, e.Name, e.SchemaVersion));

    /// <summary>Registers the store and the handler.</summary>
    public static IServiceCollection AddPartnershipLedger(this IServiceCollection services)
    {
        services.AddSingleton(CreateRegistry());
        services.AddSingleton(provider => new AppendSignal(provider.GetRequiredService<NpgsqlDataSource>()));
        services.AddSingleton(provider => new PostgresEventStore(
            provider.GetRequiredService<NpgsqlDataSource>(), provider.GetRequiredService<EventTypeRegistry>(), provider.GetRequiredService<AppendSignal>()));
        services.AddSingleton(provider => new StreamCache(provider.GetRequiredService<PostgresEventStore>()));
        services.AddSingleton(provider => new AggregateHandler<PartnershipState>(
            provider.GetRequiredService<PostgresEventStore>(), PartnershipEventTypes.StreamType, PartnershipState.Initial,
            (state, recorded) => PartnershipEvolution.Evolve(state, recorded.Data),
            history => CorrectedHistory.Apply(history, provider.GetRequiredService<EventTypeRegistry>()))
        {
            Cache = provider.GetRequiredService<StreamCache>(),
            RewritesHistory = recorded => recorded.Data is CorrectionRecorded,
        });
        return services;
    }
}
