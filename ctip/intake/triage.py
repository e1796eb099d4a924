"""What a tip connects to, for the analyst who triages it: other tips and the entity store.

Three kinds of evidence, each a feature of one explanation with what it rests on:

- **the same tip again**: another tip giving the same phone, e-mail or person's name (keys
  normalised as the entity store normalises them, found in SQL), or telling the same story
  (narratives compared with rapidfuzz's token-set ratio, among the same activity's recent
  tips);
- **known to the store**: an entity holding one of the tip's phones or e-mails (the store's
  identifier look-up), or named like a person in the tip (the store's name look-up, scored
  with the name matcher's token ratio);
- nothing: "no links", said as such.

The outcome is "possible duplicate" when another tip gives the same identifier or story,
"known to the store" when only the store knows something, "no links" otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from rapidfuzz import fuzz, process, utils
from sqlalchemy import select
from sqlalchemy.orm import Session

from ctip.intake.tables import TipKeyRow, TipRow
from ctip.intake.tips import Tip
from ctip.model.explain import Explanation, Feature, Reference, RefKind
from ctip.store.entities import Hidden, find_by_identifier, search_by_name

DUPLICATE: Final = "possible duplicate"
KNOWN: Final = "known to the store"
NO_LINKS: Final = "no links"
SAME_STORY_AT: Final = 97.0
"""Ratio (0-100, see `story_ratio`) from which two narratives tell the same story: nearly
the same words, as when a reporter sends a tip again with a detail added. Other witnesses
of the same thing are found by the identifiers they share, not by their wording."""
NAME_MATCH_AT: Final = 85.0
STORY_CANDIDATES: Final = 500
STORY_MIN_WORDS: Final = 8
"""Shorter narratives ("a crew") say too little to call two tips the same story."""
SAME_ORDER_AT: Final = 60.0
"""The token-set ratio is 100 whenever one story's words are a subset of the other's; the
token-sort ratio (word order ignored, every word counted) must also reach this."""
MAX_LINKS: Final = 10
KEY_WEIGHTS: Final = {"phone": 0.6, "email": 0.6, "name": 0.3}


@dataclass(frozen=True)
class Links:
    """The explanation, and the other tips and entities it names (for the page's lists)."""

    explanation: Explanation
    duplicates: tuple[str, ...]
    entities: tuple[str, ...]


def _tip_ref(tip_id: str) -> Reference:
    return Reference(RefKind.RECORD, tip_id, tip_id, url=f"/intake/tips/{tip_id}")


def shared_keys(session: Session, tip_id: str) -> list[Feature]:
    """Other tips giving one of this tip's phones, e-mails or names."""
    mine = select(TipKeyRow.kind, TipKeyRow.key).where(TipKeyRow.tip_id == tip_id).subquery()
    query = (
        select(TipKeyRow.tip_id, TipKeyRow.kind, TipKeyRow.value)
        .join(mine, (TipKeyRow.kind == mine.c.kind) & (TipKeyRow.key == mine.c.key))
        .where(TipKeyRow.tip_id != tip_id)
        .order_by(TipKeyRow.tip_id)
        .limit(MAX_LINKS * 3)
    )
    features = []
    for other, kind, value in session.execute(query):
        identifier = Reference(RefKind.IDENTIFIER, value, f"{kind} {value}")
        features.append(
            Feature(
                f"same_{kind}",
                1.0,
                KEY_WEIGHTS.get(kind, 0.3),
                f"Tip {other} also gives the {kind} {value}.",
                (_tip_ref(other), identifier),
            )
        )
    return features[:MAX_LINKS]


def story_ratio(first: str, second: str, **_: object) -> float:
    """How alike two narratives are (0-100): the token-set ratio, when the token-sort ratio
    shows they share most of their words, else the token-sort ratio."""
    by_set = fuzz.token_set_ratio(first, second)
    by_sort = fuzz.token_sort_ratio(first, second)
    return by_set if by_sort >= SAME_ORDER_AT else by_sort


def same_story(session: Session, tip: Tip) -> list[Feature]:
    """Recent tips of the same activity whose narrative tells the same story."""
    if len(tip.narrative.split()) < STORY_MIN_WORDS:
        return []
    query = (
        select(TipRow.id, TipRow.narrative)
        .where(TipRow.activity == tip.activity, TipRow.id != tip.id)
        .order_by(TipRow.received_at.desc())
        .limit(STORY_CANDIDATES)
    )
    candidates = {str(k): str(v) for k, v in session.execute(query).all()}
    found = process.extract(
        tip.narrative,
        candidates,
        scorer=story_ratio,
        processor=utils.default_process,
        score_cutoff=SAME_STORY_AT,
        limit=MAX_LINKS,
    )
    return [
        Feature(
            "same_story",
            round(score / 100, 4),
            0.5,
            f"Tip {other} tells the same story (narratives {score:.0f}% alike).",
            (_tip_ref(other),),
            detail=f"rapidfuzz token-set/token-sort ratio {score:.1f} >= {SAME_STORY_AT}",
        )
        for _text, score, other in found
    ]


def store_identifiers(session: Session, tip: Tip, hidden: Hidden) -> list[Feature]:
    """Entities in the store holding one of the tip's phones or e-mails (in a statement of a
    source not `hidden`)."""
    features = []
    for kind, values in (("phone", tip.phones), ("email", tip.emails)):
        for value in values:
            for entity in find_by_identifier(session, value, kind, MAX_LINKS, hidden):
                features.append(
                    Feature(
                        f"store_{kind}",
                        1.0,
                        0.5,
                        f"{entity.caption} ({entity.schema}) in the store holds the {kind} "
                        f"{value} (sources: {', '.join(entity.sources)}).",
                        (
                            Reference(
                                RefKind.RECORD,
                                entity.id,
                                entity.caption,
                                url=f"/entities/{entity.id}",
                            ),
                            Reference(RefKind.IDENTIFIER, value, f"{kind} {value}"),
                        ),
                    )
                )
    return features[:MAX_LINKS]


def store_names(session: Session, tip: Tip, hidden: Hidden) -> list[Feature]:
    """People in the store named like a person in the tip (token ratio at least 85), by the
    names sources not `hidden` state."""
    features = []
    for name in tip.persons:
        for entity in search_by_name(session, name, MAX_LINKS, "Person", hidden):
            score = fuzz.token_sort_ratio(name.casefold(), entity.caption.casefold())
            if score < NAME_MATCH_AT:
                continue
            features.append(
                Feature(
                    "store_name",
                    round(score / 100, 4),
                    0.3,
                    f"{entity.caption} in the store is named like “{name}” ({score:.0f}% alike).",
                    (
                        Reference(
                            RefKind.RECORD, entity.id, entity.caption, url=f"/entities/{entity.id}"
                        ),
                    ),
                    detail=f"rapidfuzz token_sort_ratio={score:.1f}",
                )
            )
    return features[:MAX_LINKS]


def tip_links(session: Session, tip: Tip, hidden: Hidden) -> Links:
    """Everything the tip connects to, explained, as a reader who may not see the `hidden`
    sources may see it (need-to-know: `ctip.authz.need_to_know.hidden_sources`)."""
    duplicates = shared_keys(session, tip.id) + same_story(session, tip)
    known = store_identifiers(session, tip, hidden) + store_names(session, tip, hidden)
    features = tuple(duplicates + known)
    score = round(min(1.0, sum(f.contribution for f in features)), 4)
    outcome = DUPLICATE if duplicates else KNOWN if known else NO_LINKS
    explanation = Explanation(outcome, score, features, (), NO_LINKS)
    other_tips = tuple(dict.fromkeys(f.refs(RefKind.RECORD)[0].id for f in duplicates))
    entities = tuple(dict.fromkeys(f.refs(RefKind.RECORD)[0].id for f in known))
    return Links(explanation, other_tips, entities)
