"""Screening an import entry line: every party, the factory's address, the goods, the tiers.

One pure function of a line and a `Screener` (the lists, the supplier-tier exposures and
the policy), so the local engine and the Spark engine run the very same code and must give
the same decisions. Each line gets a decision (detain, review, release), a score in [0, 1]
and named features, each with its value, weight and evidence: which party matched which
list entry under which alias, which rule fired, at which tier.

Every feature is the shared `ctip.model.explain.Feature`: a sentence for the officer and
references for code (the list, the entry and alias matched, the XUAR place, the rule, the
tier), so a legal clock (`detentions.under_cbp_order`) reads which list flagged the line
from the references, never from the wording. The conditions a listed party's match rests on
(its country and address against the listing) come along with weight 0: they already count
in the match score, and a conflicting one is shown as conflicting evidence.

The score combines features as a noisy-OR, 1 - prod(1 - value * weight): independent
reasons to doubt a line add up, and no single weak reason reaches the detain threshold.
The weights and thresholds are data (`ScreeningPolicy`), stated here so a reviewer can
read them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from ctip.matching.index import CandidateIndex
from ctip.matching.normalize import name_key
from ctip.matching.scoring import how_close, list_label, score
from ctip.matching.types import ListEntry, MatchQuery, MatchResult
from ctip.model.explain import Explanation, Feature, Reference, RefKind, Threshold
from ctip.trade.entries import EntryLine
from ctip.trade.lists import TVPRA_LIST
from ctip.trade.lists.sectors import uflpa_priority_sector
from ctip.trade.lists.tvpra import TvpraListing, TvpraRisk, tvpra_risk
from ctip.trade.regions import CHINA, RegionHit, find_region_places

PARTY_ROLES = ("manufacturer", "seller", "shipper", "importer")
CANDIDATE_LIMIT = 20
UFLPA_PRESUMPTION: Final = Reference(
    RefKind.RULE,
    "uflpa-sec-3",
    "UFLPA sec. 3 presumption",
    citation="Uyghur Forced Labor Prevention Act, Pub. L. 117-78, sec. 3",
)
UFLPA_SECTORS: Final = "uflpa-high-priority-sectors"
NO_EVIDENCE: Final = "no list, region, goods or tier evidence"
NOT_READ: Final = "not_read"
"""The feature that says a declared value was not read, so not used as evidence."""
SCREENED_VALUES: Final = {
    "country_of_origin": "Country of origin",
    "hts_code": "HTS code",
}
"""The declared values screening reads, as an explanation names them."""


class Decision(StrEnum):
    """What the officer is advised to do with the line."""

    DETAIN = "detain"
    REVIEW = "review"
    RELEASE = "release"


@dataclass(frozen=True)
class ScreeningPolicy:
    """Weights of each kind of evidence and the decision thresholds (data, not code).

    A listed manufacturer or a factory in the XUAR weighs 1.0: under UFLPA section 3 such
    goods are presumed made with forced labour, so the line is detained. Goods on the TVPRA
    list for the origin country or in a UFLPA high-priority sector only call for review.
    """

    match_threshold: float = 0.85
    party_weights: dict[str, float] = field(
        default_factory=lambda: {
            "manufacturer": 1.0,
            "seller": 0.9,
            "shipper": 0.8,
            "importer": 0.8,
        }
    )
    region_address_weight: float = 1.0
    region_name_weight: float = 0.6
    tvpra_forced_weight: float = 0.5
    tvpra_child_weight: float = 0.3
    sector_weight: float = 0.2
    sector_china_weight: float = 0.35
    tier_weight: float = 0.8
    tier_decay: float = 0.75
    detain_at: float = 0.85
    review_at: float = 0.3

    @property
    def thresholds(self) -> tuple[Threshold, ...]:
        """The decision thresholds as an explanation states them."""
        return (
            Threshold(Decision.DETAIN, self.detain_at),
            Threshold(Decision.REVIEW, self.review_at),
        )

    def decide(self, line_score: float) -> Decision:
        """The decision for a combined score."""
        if line_score >= self.detain_at:
            return Decision.DETAIN
        if line_score >= self.review_at:
            return Decision.REVIEW
        return Decision.RELEASE


@dataclass(frozen=True)
class Exposure:
    """The nearest flagged supplier upstream of a party, and the tier it sits at."""

    party: str
    supplier: str
    tier: int
    reason: str
    path: tuple[str, ...]


@dataclass(frozen=True)
class GoodsRisk:
    """One TVPRA listing for the goods and origin of a line."""

    good: str
    country: str
    forced_labor: bool
    child_labor: bool
    hts_heading: str = ""


@dataclass(frozen=True)
class PlaceRule:
    """A goods x place rule of a loaded list (a region- or country-wide WRO, say)."""

    list_name: str
    kind: str
    rule_id: str
    goods: str
    country: str
    place: str
    hts_headings: tuple[str, ...]
    labour: tuple[str, ...]
    basis: str

    def applies(self, line: EntryLine) -> bool:
        """Same origin, HTS code under one of its headings (none: all goods), place named."""
        if self.country and self.country.upper() != line.country_of_origin:
            return False
        headings = [h.replace(".", "") for h in self.hts_headings]
        if headings and not any(line.hts_code.startswith(h) for h in headings):
            return False
        if not self.place:
            return bool(headings)
        text = f"{line.manufacturer_address} {line.manufacturer}"
        if find_region_places(self.place):
            return bool(find_region_places(text, line.country_of_origin))
        return _fold_words(self.place) in _fold_words(text)

    @property
    def is_order(self) -> bool:
        """A CBP order (WRO or Finding) detains; a goods list only calls for review."""
        return "wro" in self.kind.lower() or "wro" in self.list_name.lower()


def _fold_words(text: str) -> str:
    return f" {name_key(text)} "


GoodsRule = Callable[[str, str], Sequence[GoodsRisk]]
SectorRule = Callable[[str], str | None]


@dataclass(frozen=True)
class LineDecision:
    """The outcome of screening one line."""

    entry_number: str
    line_number: int
    decision: Decision
    score: float
    features: tuple[Feature, ...]
    thresholds: tuple[Threshold, ...] = ()

    @property
    def key(self) -> str:
        """'ENTRY/LINE'."""
        return f"{self.entry_number}/{self.line_number}"

    def explained(self) -> Explanation:
        """The decision as the shared explanation: features, score, thresholds, outcome."""
        return Explanation(
            self.decision.value, self.score, self.features, self.thresholds, Decision.RELEASE
        )

    def explanation(self) -> str:
        """How the score met the thresholds, then every feature's sentence, strongest first."""
        text = self.explained().text()
        if any(f.name != NOT_READ for f in self.features):
            return text
        return f"{text} {NO_EVIDENCE[0].upper()}{NO_EVIDENCE[1:]}."


@dataclass(frozen=True)
class TvpraRule:
    """The TVPRA goods rule over one edition's listings (picklable, so Spark workers agree)."""

    listings: tuple[TvpraListing, ...] | None = None
    """None: the listings `ctip.trade.lists.tvpra` last read in this process."""

    def __call__(self, country: str, hts_code: str) -> Sequence[GoodsRisk]:
        return [_goods_risk(risk) for risk in tvpra_risk(country, hts_code, self.listings)]


def _goods_risk(risk: TvpraRisk) -> GoodsRisk:
    """A TVPRA risk of the lists module in this module's shape."""
    return GoodsRisk(
        good=risk.good,
        country=risk.country,
        forced_labor=risk.forced_labor,
        child_labor=risk.child_labor,
        hts_heading=risk.hts_heading,
    )


PROCESS_TVPRA = TvpraRule()
"""The goods rule of a screener built without a TVPRA edition (the process's default)."""


class Screener:
    """Everything a line is screened against; cheap to ship to Spark workers (no index)."""

    def __init__(
        self,
        entries: Sequence[ListEntry],
        exposures: dict[str, Exposure] | None = None,
        policy: ScreeningPolicy | None = None,
        goods_rule: GoodsRule = PROCESS_TVPRA,
        sector_rule: SectorRule = uflpa_priority_sector,
        place_rules: Sequence[PlaceRule] = (),
        editions: Sequence[dict[str, Any]] = (),
    ) -> None:
        self.place_rules = tuple(place_rules)
        self.editions = tuple(editions)
        """The list editions read (list, edition, kind, official): stored with each decision."""
        self.entries = tuple(entries)
        self.exposures = exposures or {}
        self.policy = policy or ScreeningPolicy()
        self.goods_rule = goods_rule
        self.sector_rule = sector_rule
        self._index: CandidateIndex | None = None
        self._party_cache: dict[str, list[MatchResult]] = {}

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_index"], state["_party_cache"] = None, {}
        return state

    @property
    def index(self) -> CandidateIndex:
        """The candidate index over the list entries (built on first use)."""
        if self._index is None:
            self._index = CandidateIndex(self.entries)
        return self._index

    def candidates(self, query: MatchQuery) -> Sequence[ListEntry]:
        """Entries worth scoring: the index's shortlist for the query."""
        return self.index.to_score(query, CANDIDATE_LIMIT)

    def party_matches(self, name: str, country: str, address: str = "") -> list[MatchResult]:
        """List entries a party name matches, best first (cached: parties repeat).

        The country and address go with the name, so a listed entry whose country or
        address agrees scores higher and one that conflicts lower.
        """
        key = f"{name_key(name)}|{country}|{address}"
        if key not in self._party_cache:
            countries = (country.lower(),) if country else ()
            addresses = (address,) if address else ()
            query = MatchQuery(key, name, "LegalEntity", countries, addresses=addresses)
            threshold, rarity = self.policy.match_threshold, self.index.rarity
            results = [score(query, e, threshold, rarity=rarity) for e in self.candidates(query)]
            matches = sorted((r for r in results if r.is_match), key=_match_order)
            self._party_cache[key] = matches
        return self._party_cache[key]

    def screen(self, line: EntryLine) -> LineDecision:
        """Decide one line and say why."""
        features = [
            *self.party_features(line),
            *self.region_features(line),
            *self.goods_features(line),
            *self.tier_features(line),
        ]
        features.sort(key=lambda f: (-f.contribution, f.name, f.sentence))
        features.extend(not_read_features(line))
        line_score = combine(features)
        decision = self.policy.decide(line_score)
        return LineDecision(
            line.entry_number,
            line.line_number,
            decision,
            line_score,
            tuple(features),
            self.policy.thresholds,
        )

    def party_features(self, line: EntryLine) -> list[Feature]:
        """Each party against every list entry: the best match per party."""
        features = []
        for role in PARTY_ROLES:
            name = getattr(line, role)
            maker = role == "manufacturer"
            country = line.country_of_origin if maker else ""
            address = line.manufacturer_address if maker else ""
            matches = self.party_matches(name, country, address) if name else []
            if matches:
                weight = self.policy.party_weights[role]
                features.extend(party_features(role, name, matches[0], weight))
        return features

    def region_features(self, line: EntryLine) -> list[Feature]:
        """The manufacturer's address (or, weaker, its name) in the XUAR."""
        country = line.country_of_origin
        hits = find_region_places(line.manufacturer_address, country)
        if hits:
            sentence = (
                f"Manufacturer address names {_places(hits)}: goods made there are presumed "
                f"made with forced labour ({UFLPA_PRESUMPTION.label})."
            )
            refs = (*_place_refs(hits), UFLPA_PRESUMPTION)
            weight = self.policy.region_address_weight
            return [Feature("xuar_address", 1.0, weight, sentence, refs)]
        hits = find_region_places(line.manufacturer, country)
        if hits:
            sentence = (
                f"Manufacturer name names {_places(hits)}, though its address does not: "
                f"ask where the goods were made ({UFLPA_PRESUMPTION.label})."
            )
            refs = (*_place_refs(hits), UFLPA_PRESUMPTION)
            return [Feature("xuar_name", 1.0, self.policy.region_name_weight, sentence, refs)]
        return []

    def goods_features(self, line: EntryLine) -> list[Feature]:
        """The TVPRA list for the origin and the goods; UFLPA high-priority sectors."""
        features = [*self.place_rule_features(line)]
        if not line.hts_code:
            return features  # not read: no goods list or sector can be told
        risks = self.goods_rule(line.country_of_origin, line.hts_code)
        forced = [r for r in risks if r.forced_labor]
        listed = forced or [r for r in risks if r.child_labor]
        if listed:
            kind = "forced labour" if forced else "child labour"
            weight = self.policy.tvpra_forced_weight if forced else self.policy.tvpra_child_weight
            features.append(_tvpra_feature(line, listed, kind, weight))
        sector = self.sector_rule(line.hts_code)
        if sector:
            features.append(self._sector_feature(line, sector))
        return features

    def _sector_feature(self, line: EntryLine, sector: str) -> Feature:
        """A high-priority sector weighs more when the goods come from China itself."""
        sentence = f"HTS {line.hts_code} is in the UFLPA high-priority sector {sector!r}"
        refs = (
            Reference(RefKind.SECTOR, sector, sector),
            Reference(RefKind.LIST, UFLPA_SECTORS, "UFLPA Strategy high-priority sectors"),
        )
        if line.country_of_origin == CHINA:
            weight = self.policy.sector_china_weight
            sentence += ", and the goods come from China"
            return Feature("uflpa_sector", 1.0, weight, sentence + ".", refs)
        return Feature("uflpa_sector", 1.0, self.policy.sector_weight, sentence + ".", refs)

    def place_rule_features(self, line: EntryLine) -> list[Feature]:
        """Goods x place rules of the loaded lists (region- or country-wide orders)."""
        features = []
        for rule in self.place_rules:
            if rule.applies(line):
                weight = 1.0 if rule.is_order else self.policy.tvpra_forced_weight
                features.append(_place_rule_feature(rule, weight))
        return features

    def tier_features(self, line: EntryLine) -> list[Feature]:
        """A flagged supplier upstream of the manufacturer, weaker the further up it sits."""
        exposure = self.exposures.get(name_key(line.manufacturer))
        if exposure is None:
            return []
        weight = self.policy.tier_weight * self.policy.tier_decay ** max(exposure.tier - 2, 0)
        chain = " ← ".join(exposure.path)
        sentence = (
            f"A supplier at tier {exposure.tier}, {exposure.supplier!r}, is "
            f"{exposure.reason or 'flagged'}. "
            f"Supply chain: {chain}."
        )
        refs = (
            Reference(RefKind.TIER, str(exposure.tier), f"tier {exposure.tier}"),
            Reference(RefKind.RECORD, exposure.supplier, exposure.supplier),
        )
        return [Feature("supplier_tier", 1.0, round(weight, 4), sentence, refs)]

    def screen_all(self, lines: Iterable[EntryLine]) -> list[LineDecision]:
        """Screen lines in order."""
        return [self.screen(line) for line in lines]


def not_read_features(line: EntryLine) -> list[Feature]:
    """A declared value screening needs but could not read (or was not declared): said, with
    what was written, and weighing nothing, since it is not evidence either way."""
    found = []
    for column, label in SCREENED_VALUES.items():
        if getattr(line, column):
            continue
        written = line.written(column)
        told = f"written {written!r}" if written is not None else "left empty"
        sentence = f"{label} not read ({told}): not used as evidence."
        refs = (Reference(RefKind.FIELD, column, label),)
        found.append(Feature(NOT_READ, 0.0, 0.0, sentence, refs, detail=written or ""))
    return found


def _match_order(result: MatchResult) -> tuple[float, str, str, str]:
    entry = result.entry
    return (-result.score, entry.list_name, entry.edition, entry.entry_id)


def party_features(role: str, name: str, match: MatchResult, weight: float) -> list[Feature]:
    """A listed party: the match (list, entry, alias), then what the match rests on beyond
    the name (country, address) with weight 0, since the match score already counts it."""
    entry, named = match.entry, _name_feature(match)
    sentence = (
        f"{role.capitalize()} {name!r} matches {list_label(entry.list_name)} entry "
        f"{entry.name!r} {how_close(named.value if named else match.score)}"
    )
    refs = named.references if named else ()
    aliases = [r.id for r in refs if r.kind is RefKind.ALIAS]
    if aliases:
        sentence += f" through its alias {aliases[0]!r}"
    sentence += "."
    if entry.includes_subsidiaries:
        sentence += " The listing includes its subsidiaries."
    detail = named.detail if named else ""
    listed = Feature(f"{role}_listed", round(match.score, 4), weight, sentence, refs, detail=detail)
    return [listed, *_conditions(role, entry, match)]


def _name_feature(match: MatchResult) -> Feature | None:
    return next((f for f in match.features if f.name == "name"), None)


def _conditions(role: str, entry: ListEntry, match: MatchResult) -> list[Feature]:
    """The match's other fields, told as the role's, with weight 0."""
    found = []
    for f in match.features:
        if f.name == "name":
            continue
        sentence = f"{role.capitalize()} against the listing: {f.sentence}"
        refs = (*f.references, Reference(RefKind.ENTRY, entry.entry_id, entry.name))
        found.append(Feature(f"{role}_{f.name}", f.value, 0.0, sentence, refs, f.supports))
    return found


def _places(hits: Sequence[RegionHit]) -> str:
    """'Turpan (written '吐鲁番'), in Xinjiang' for each place found."""
    parts = []
    for hit in hits:
        text = hit.place if hit.spelling == hit.place else f"{hit.place} (written {hit.spelling!r})"
        parts.append(text if hit.level == "region" else f"{text}, in Xinjiang")
    return "; ".join(parts)


def _place_refs(hits: Sequence[RegionHit]) -> list[Reference]:
    return [Reference(RefKind.PLACE, h.place, f"{h.place} ({h.level})") for h in hits]


def _tvpra_feature(
    line: EntryLine, listed: Sequence[GoodsRisk], kind: str, weight: float
) -> Feature:
    """Goods the DOL TVPRA list names for the origin country."""
    goods = ", ".join(sorted({r.good for r in listed}))
    sentence = (
        f"The DOL TVPRA list names {goods} from {line.country_of_origin} ({kind}); "
        f"HTS {line.hts_code} is such goods."
    )
    refs = [Reference(RefKind.LIST, TVPRA_LIST, "DOL TVPRA list")]
    refs += [
        Reference(RefKind.GOODS, f"{r.good}|{r.country}", f"{r.good} from {r.country}")
        for r in listed
    ]
    return Feature("tvpra_goods", 1.0, weight, sentence, tuple(refs))


def _place_rule_feature(rule: PlaceRule, weight: float) -> Feature:
    """A goods x place rule of a loaded list (a region- or country-wide order)."""
    where = rule.place or rule.country
    sentence = (
        f"{list_label(rule.list_name)} rule {rule.rule_id}: {rule.goods} from {where} "
        f"(HTS {', '.join(rule.hts_headings) or 'any'})"
    )
    sentence += f"; {rule.basis}." if rule.basis else "."
    refs = (
        Reference(RefKind.LIST, rule.list_name, list_label(rule.list_name)),
        Reference(RefKind.RULE, rule.rule_id, f"{rule.goods} from {where}", citation=rule.basis),
    )
    return Feature("goods_place_rule", 1.0, weight, sentence, refs)


def combine(features: Iterable[Feature]) -> float:
    """Noisy-OR of the positive contributions, rounded so every engine agrees."""
    remaining = 1.0
    for feature in features:
        remaining *= 1.0 - max(0.0, min(1.0, feature.contribution))
    return round(1.0 - remaining, 4)


def is_flagged_supplier(name: str, address: str, country: str, screener: Screener) -> str | None:
    """Why a supplier counts as flagged in a supply chain (listed or in the XUAR), or None."""
    matches = screener.party_matches(name, country, address)
    if matches:
        entry = matches[0].entry
        return f"listed on {entry.list_name} ({entry.edition}) as {entry.name!r}"
    hits = find_region_places(f"{address} {name}", country)
    if hits:
        return f"located in the XUAR ({', '.join(h.place for h in hits)})"
    return None


def flagged_by_list(explanation: Explanation, list_name: str) -> bool:
    """Whether a feature that counts in the score (a listed party, a goods x place rule)
    rests on the named list: read from the references, never from the sentences."""
    return any(
        ref.id == list_name
        for f in explanation.features
        if f.supports and f.contribution > 0
        for ref in f.refs(RefKind.LIST)
    )


_LEGACY_PARTY: Final = re.compile(r" matches (\S+) \(([^)]*)\) entry (\S+) ")
_LEGACY_RULE: Final = re.compile(r"^(\S+) rule (\S+):")


def stored_explanation(text: str, decision: str = "", line_score: float = 0.0) -> Explanation:
    """A stored screening's explanation: the JSON of `Explanation.to_json`, or the feature
    list stored before explanations carried references (name, value, weight, evidence)."""
    raw = json.loads(text or "[]")
    if isinstance(raw, dict):
        return Explanation.from_dict(raw)
    features = tuple(_legacy_feature(item) for item in raw)
    policy = ScreeningPolicy()
    return Explanation(decision, line_score, features, policy.thresholds, Decision.RELEASE)


def _legacy_feature(item: dict[str, Any]) -> Feature:
    """An old stored feature; its list and rule references are read once from its evidence,
    the only place the old form kept them."""
    evidence, value = str(item.get("evidence", "")), float(item.get("value", 0.0))
    refs: list[Reference] = []
    party = _LEGACY_PARTY.search(evidence)
    if party and str(item.get("name", "")).endswith("_listed"):
        refs.append(Reference(RefKind.LIST, party[1], f"{list_label(party[1])} {party[2]}"))
        refs.append(Reference(RefKind.ENTRY, party[3], party[3]))
    rule = _LEGACY_RULE.match(evidence)
    if rule and item.get("name") == "goods_place_rule":
        refs.append(Reference(RefKind.LIST, rule[1], list_label(rule[1])))
        refs.append(Reference(RefKind.RULE, rule[2], rule[2]))
    value = max(-1.0, min(1.0, value))
    weight = float(item.get("weight", 0.0))
    return Feature(str(item.get("name", "")), value, weight, evidence, tuple(refs), value >= 0)


__all__ = ["CHINA", "Decision", "Exposure", "GoodsRisk", "LineDecision", "Screener"]
