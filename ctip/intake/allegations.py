"""Forced-labour allegations, matched for the trade analyst who reviews them.

An allegation (a tip about forced labour in goods) names a company, the goods, the country,
the ILO indicators and the titles of supporting documents. The review page matches the
company against the reference lists in effect (the approved edition of every official list:
WROs and Findings, the UFLPA Entity List, the TVPRA list...) with the shared name screening,
and against companies in the entity store, and explains each candidate: a listed party is a
reason to open a supplier-tier trace or a detention in the trade area (by name, since areas
never call each other). Matching runs when the analyst opens the allegation, against the
lists as they stand that day, so a new edition is taken into account at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from rapidfuzz import fuzz
from sqlalchemy.orm import Session

from ctip.intake.packs import ilo_indicators
from ctip.intake.tips import Tip
from ctip.lists import governance
from ctip.lists.store import UnknownList
from ctip.matching.screening import screen_names
from ctip.matching.types import MatchQuery
from ctip.model.explain import Explanation, Feature, Reference, RefKind, Threshold
from ctip.store.entities import Hidden, search_by_name

LISTED: Final = "listed party"
NOT_LISTED: Final = "no listed party"
MATCH_AT: Final = 0.7
STORE_NAME_AT: Final = 85.0
MAX_CANDIDATES: Final = 10


@dataclass(frozen=True)
class AllegationReview:
    """What the analyst reads: the list matches explained, the lists read, the indicators."""

    explanation: Explanation
    editions: tuple[governance.EditionUsed, ...]
    indicators: tuple[tuple[str, str], ...]
    """(code, label) of each ILO indicator the allegation names."""


def named_indicators(tip: Tip) -> tuple[tuple[str, str], ...]:
    """The ILO indicators an allegation names, with their labels, in the ILO's order."""
    return tuple((q.code, q.indicator) for q in ilo_indicators() if q.code in tip.ilo_indicators)


def _list_features(
    session: Session, tip: Tip
) -> tuple[list[Feature], list[governance.EditionUsed]]:
    query = MatchQuery(
        tip.id, tip.company, "Company", countries=(tip.country,) if tip.country else ()
    )
    features: list[Feature] = []
    editions = governance.screening_editions(session)
    for used in editions:
        try:
            entries = governance.entries_in_effect(session, used.list_name, used.edition)
        except UnknownList:
            continue
        for hit in screen_names([query], entries, MATCH_AT)[:MAX_CANDIDATES]:
            listed = Reference(RefKind.LIST, used.list_name, f"{used.list_name} {used.edition}")
            entry = Reference(RefKind.ENTRY, hit.entity_id, hit.listed_name)
            verdict = "matches" if hit.is_match else "resembles (near miss)"
            features.append(
                Feature(
                    f"listed_{used.list_name}",
                    round(hit.score, 4),
                    1.0,
                    f"“{tip.company}” {verdict} “{hit.listed_name}” on {used.list_name} "
                    f"(edition {used.edition}), score {hit.score:.2f}.",
                    (listed, entry),
                    supports=hit.is_match,
                    detail=hit.explanation,
                )
            )
    return features, editions


def _store_features(session: Session, tip: Tip, hidden: Hidden) -> list[Feature]:
    features = []
    for entity in search_by_name(session, tip.company, MAX_CANDIDATES, "LegalEntity", hidden):
        score = fuzz.token_sort_ratio(tip.company.casefold(), entity.caption.casefold())
        if score < STORE_NAME_AT:
            continue
        features.append(
            Feature(
                "known_company",
                round(score / 100, 4),
                0.0,
                f"{entity.caption} ({entity.schema}) in the entity store is named like the "
                f"company ({score:.0f}% alike): open it for its links and suppliers.",
                (
                    Reference(
                        RefKind.RECORD, entity.id, entity.caption, url=f"/entities/{entity.id}"
                    ),
                ),
            )
        )
    return features


def review(session: Session, tip: Tip, hidden: Hidden) -> AllegationReview:
    """The allegation's company matched against the lists in effect and the store, as a
    reader who may not see the `hidden` sources may see it (the ads' posters are not a trade
    analyst's to find: `ctip.authz.need_to_know.hidden_sources`)."""
    if not tip.company:
        empty = Explanation(NOT_LISTED, 0.0, (), (Threshold(LISTED, MATCH_AT),), NOT_LISTED)
        return AllegationReview(empty, (), named_indicators(tip))
    listed, editions = _list_features(session, tip)
    known = _store_features(session, tip, hidden)
    score = max((f.value for f in listed if f.supports), default=0.0)
    outcome = LISTED if score >= MATCH_AT else NOT_LISTED
    explanation = Explanation(
        outcome, score, tuple(listed + known), (Threshold(LISTED, MATCH_AT),), NOT_LISTED
    )
    return AllegationReview(explanation, tuple(editions), named_indicators(tip))
