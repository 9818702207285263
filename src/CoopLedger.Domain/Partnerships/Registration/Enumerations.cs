namespace CoopLedger.Domain.Partnerships.Registration;

/// <summary>The form of a partnership (forme du partenariat).</summary>
public enum PartnershipForm
{
    /// <summary>Coopération décentralisée.</summary>
    DecentralisedCooperation,

    /// <summary>Jumelage.</summary>
    Twinning,

    /// <summary>Mobilité des jeunes.</summary>
    YouthMobility,

    /// <summary>Coopération économique.</summary>
    EconomicCooperation,

    /// <summary>Aide d'urgence: needs no convention.</summary>
    EmergencyAid,

    /// <summary>Coopération territoriale européenne.</summary>
    EuropeanTerritorialCooperation,

    /// <summary>Réseau de villes.</summary>
    CityNetwork,

    /// <summary>Soutien aux acteurs de la solidarité.</summary>
    SupportToSolidarityActors,
}

/// <summary>The kind of French local authority (collectivité territoriale).</summary>
public enum AuthorityKind
{
    /// <summary>Région.</summary>
    Region,

    /// <summary>Département.</summary>
    Departement,

    /// <summary>Commune.</summary>
    Commune,

    /// <summary>Intercommunalité (EPCI).</summary>
    Epci,

    /// <summary>Métropole.</summary>
    Metropole,

    /// <summary>Collectivité d'outre-mer.</summary>
    OverseasCollectivity,
}
