using CoopLedger.Domain.Partnerships.ActionPlan;
using CoopLedger.Domain.Partnerships.Conventions;
using CoopLedger.Domain.Partnerships.Funding;
using CoopLedger.Domain.Partnerships.Registration;

namespace CoopLedger.Domain.Partnerships.Corrections;

/// <summary>
/// The rules an event's own values must keep (amounts, years, periods, priorities). Commands enforce them when
/// deciding; a correction changes values after the fact, so the corrected event is checked against them again.
/// </summary>
public static class EventInvariants
{
    /// <summary>Throws <see cref="CommandRefusedException"/> when the event breaks a rule.</summary>
    public static void Check(object @event)
    {
        switch (@event)
        {
            case FundingCommitted e:
                Amounts.Require(e.Amount, e.OnePercentWaterAmount);
                Years.Require(e.Year, "Funding year");
                break;
            case FundingRevised e:
                Amounts.Require(e.Amount, e.OnePercentWaterAmount);
                break;
            case ConventionSigned e:
                Periods.RequireOrdered(e.ValidFrom, e.ValidTo);
                break;
            case ConventionRenewed e:
                Periods.RequireOrdered(e.ValidFrom, e.ValidTo);
                break;
            case ActionPlanAdopted e when e.To < e.From || e.Challenges.Count == 0:
                throw new CommandRefusedException("plan-invalid", "A plan ends after it starts and has at least one challenge.");
            case ActionPostponed e:
                Years.Require(e.ToYear, "Postponement year");
                break;
            case AnnualProgrammeAdopted e:
                Years.Require(e.Year, "Programme year");
                break;
            case ThemeAssigned { Priority: < 0 }:
                throw new CommandRefusedException("priority-negative", "Priority 0 is the primary theme; others rank from 1.");
            case PartnershipRegistered e when e.FrenchAuthorities.Any(a => !Siren.IsValid(a.Siren)):
                throw new CommandRefusedException("invalid-siren", "Every French authority has a valid SIREN.");
        }
    }
}
