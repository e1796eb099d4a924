"""The HTCDS 2.0 vocabulary (IOM's Human Trafficking Case Data Standard) for a victim's
context, with its field ids and value names as imports and exports carry them.

Declared here as data (a test checks it against the published field list), so a value is
refused with the field named when it is not one the standard knows, rather than stored as
a free-text variant nobody can count.
"""

from __future__ import annotations

from collections.abc import Iterable

from ctip.model.errors import InvalidInput

TRAFFICKING_STATUS = "vic_TraffickingStatus"
TYPE_OF_EXPLOITATION = "vic_TypeOfExploitation"
METHOD_OF_RECRUITMENT = "vic_MethodOfRecruitment"
METHODS_OF_CONTROL = "vic_MethodsOfControl"
RELATIONSHIP_TO_TRAFFICKER = "vic_RelationshipToTrafficker"
AGE_WHEN_TRAFFICKED = "vic_AgeWhenTrafficked"

VALUES: dict[str, tuple[str, ...]] = {
    TRAFFICKING_STATUS: (
        "PossibleVictimOfTrafficking",
        "ActualVictimOfTrafficking",
        "NotAVictimOfTrafficking",
    ),
    TYPE_OF_EXPLOITATION: (
        "ForcedLabour",
        "SexualExploitation",
        "ChildLabour",
        "ForcedMarriage",
        "Servitude",
        "ForcedMilitaryByNonStateActors",
        "OrganRemoval",
        "ForcedBegging",
        "ForcedAdoption",
        "Surrogacy",
        "Other",
    ),
    METHOD_OF_RECRUITMENT: (
        "AtAPlaceOfBusiness",
        "AtAnEducationalInstitution",
        "AtWork",
        "ThroughOnlineSocialNetworks",
        "ThroughAnOnlineAdvertisement",
        "ThroughATelevisionAdvert",
        "ThroughANewspaperAdvert",
        "ThroughFamilyOrFamilyEvents",
        "ThroughFriendsOrSocialEvents",
        "Other",
    ),
    METHODS_OF_CONTROL: (
        "PhysicalThreats",
        "ThreatsLawEnforcement",
        "ThreatensChildrenFamily",
        "DebtBondage",
        "FalsePromises",
        "PhysicalAbuse",
        "SexualAbuse",
        "TakesEarnings",
        "RestrictsFinancialAccess",
        "RestrictsMedicalCare",
        "WithholdsNecessities",
        "PsychologicalAbuse",
        "PsychoactiveSubstance",
        "ExcessiveWorkingHours",
        "WithholdsDocuments",
        "Other",
    ),
    RELATIONSHIP_TO_TRAFFICKER: ("Familial", "Acquainted", "Unaquainted"),
}
"""Field id -> the value names HTCDS 2.0 allows (its own spelling, 'Unaquainted' included)."""

ACTUAL_VICTIM = "ActualVictimOfTrafficking"
NOT_A_VICTIM = "NotAVictimOfTrafficking"


def _folded(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def value(field_id: str, text: str) -> str:
    """The standard's value name for `text` (its name or label, any case and spacing)."""
    allowed = VALUES[field_id]
    wanted = _folded(text)
    for name in allowed:
        if _folded(name) == wanted:
            return name
    raise InvalidInput(
        f"{field_id}: {text[:60]!r} is not an HTCDS value (use one of {', '.join(allowed)})"
    )


def values(field_id: str, texts: Iterable[str]) -> list[str]:
    """The standard's value names for a multi-select field, each once, in the standard's order."""
    chosen = {value(field_id, t) for t in texts if t.strip()}
    return [name for name in VALUES[field_id] if name in chosen]
