"""The networks area's services: load ads, build networks, read a network's profile.

The CLI, the API and the workbench call these functions and nothing else, so all three give
the same answer. Every write is audited in the caller's transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ctip.authz import audit
from ctip.ingest.errors import FileRejected, RowError
from ctip.ingest.files import Counts, FileWrite, IncomingFile, import_file
from ctip.networks.ads import AdInput, ReadAd, parse_ads, read_ad
from ctip.networks.ftm import export_networks
from ctip.networks.linking import AdSignals, Link, link_ads
from ctip.networks.tables import (
    AdIdentifier,
    AdNetwork,
    AdNetworkBuild,
    AdNetworkLink,
    AdNetworkMember,
    AdRow,
)
from ctip.store.db import utc_now

Progress = Callable[[int], None]
ACTIVE = "active"
MERGED = "merged"
DISSOLVED = "dissolved"
BATCH = 2000
FILE_KIND = "ads"


@dataclass(frozen=True)
class LoadOutcome:
    """What loading an ads file did."""

    file_name: str
    content_sha256: str
    ads_new: int
    ads_seen_again: int
    already_imported: bool
    import_id: int | None


def load_ads(
    session: Session, data: bytes, file_name: str, actor: str, progress: Progress | None = None
) -> LoadOutcome:
    """Validate the whole file, then write its new ads; the same file twice changes nothing."""
    incoming = IncomingFile.of(data, file_name, kind=FILE_KIND, actor=actor, action="ads.load")
    validate = partial(_new_and_seen, session, data, file_name)
    outcome = import_file(session, incoming, validate, _store_ads, progress)
    if outcome.already_imported:
        ads_new, seen_again = 0, outcome.count("ads")
    else:
        ads_new, seen_again = outcome.count("ads_new"), outcome.count("ads_seen_again")
    return LoadOutcome(
        file_name, outcome.content_sha256, ads_new, seen_again, outcome.already_imported, outcome.id
    )


@dataclass(frozen=True)
class _AdsRead:
    """An ads file read whole and compared with the store: the new ads with their row
    numbers, how many ads it repeats unchanged, how many it holds."""

    new: list[tuple[int, AdInput]]
    seen_again: int
    total: int


def _new_and_seen(session: Session, data: bytes, file_name: str) -> _AdsRead:
    ads = parse_ads(data, file_name)
    new, seen_again = _split_known(session, ads, file_name)
    return _AdsRead(new, seen_again, len(ads))


def _store_ads(target: FileWrite, read: _AdsRead) -> Counts:
    _write_ads(target.session, read.new, target.file_id, target.progress)
    return {"ads": read.total, "ads_new": len(read.new), "ads_seen_again": read.seen_again}


def _split_known(
    session: Session, ads: list[AdInput], file_name: str
) -> tuple[list[tuple[int, AdInput]], int]:
    """New ads (with their row numbers), and how many are stored already, unchanged.

    An ad stored before with different content (an edited re-post) is refused, so nothing
    stored is overwritten silently: load the edit under a new ad id.
    """
    known: dict[tuple[str, str], str] = {}
    for site in {ad.site for ad in ads}:
        rows = session.execute(
            select(AdRow.ad_id, AdRow.content_sha256).where(AdRow.site == site)
        ).all()
        known.update({(site, ad_id): sha for ad_id, sha in rows})
    new, seen, errors = [], 0, []
    for number, ad in enumerate(ads, start=1):
        stored = known.get((ad.site, ad.ad_id))
        if stored is None:
            new.append((number, ad))
        elif stored == ad.content_sha256():
            seen += 1
        else:
            errors.append(RowError(number, f"ad {ad.key} is stored with different content"))
    if errors:
        raise FileRejected(file_name, errors)
    return new, seen


def _ad_row(read: ReadAd, import_id: int) -> AdRow:
    ad = read.ad
    extraction = asdict(read.extraction)
    return AdRow(
        site=ad.site,
        ad_id=ad.ad_id,
        url=ad.url,
        posted_at=ad.posted_at,
        title=ad.title,
        body=ad.body,
        location=ad.location,
        price=ad.price,
        phones=json.dumps(list(ad.phones)),
        emails=json.dumps(list(ad.emails)),
        image_hashes=json.dumps(list(ad.image_hashes)),
        account=ad.account,
        content_sha256=ad.content_sha256(),
        indicator_score=read.score.score,
        indicators=json.dumps([asdict(f) for f in read.score.fired], ensure_ascii=False),
        extraction=json.dumps(extraction, ensure_ascii=False),
        import_id=import_id,
    )


def _write_ads(
    session: Session, ads: list[tuple[int, AdInput]], import_id: int, progress: Progress
) -> None:
    for start in range(0, len(ads), BATCH):
        chunk = [read_ad(ad) for _, ad in ads[start : start + BATCH]]
        rows = [_ad_row(read, import_id) for read in chunk]
        session.add_all(rows)
        session.flush()
        identifiers = [
            AdIdentifier(ad=row.id, kind=kind, value=value[:255], found_in=found_in)
            for row, read in zip(rows, chunk, strict=True)
            for (kind, value), found_in in read.identifiers().items()
        ]
        session.add_all(identifiers)
        session.flush()
        progress(len(chunk))


@dataclass(frozen=True)
class BuildOutcome:
    """What a network build found."""

    build_id: int
    ads: int
    networks: int
    links: int
    kept_ids: int
    new_ids: int
    merged: int
    dissolved: int


def _signals(session: Session) -> list[AdSignals]:
    """Every ad's identifiers and text, in ad order (the order links are found in)."""
    identifiers: dict[int, set[tuple[str, str]]] = {}
    for ad, kind, value in session.execute(
        select(AdIdentifier.ad, AdIdentifier.kind, AdIdentifier.value)
    ):
        identifiers.setdefault(ad, set()).add((kind, value))
    rows = session.execute(select(AdRow.id, AdRow.title, AdRow.body).order_by(AdRow.id))
    return [
        AdSignals(ad, frozenset(identifiers.get(ad, ())), f"{title}\n{body}")
        for ad, title, body in rows
    ]


@dataclass
class _Previous:
    """The active networks before this build: members, age."""

    members: dict[str, set[int]]
    created: dict[str, str]
    all_ids: set[str]


def _previous(session: Session) -> _Previous:
    members: dict[str, set[int]] = {}
    for network_id, ad in session.execute(select(AdNetworkMember.network_id, AdNetworkMember.ad)):
        members.setdefault(network_id, set()).add(ad)
    created = dict(
        session.execute(
            select(AdNetwork.id, AdNetwork.created_at).where(AdNetwork.status == ACTIVE)
        ).all()
    )
    all_ids = set(session.execute(select(AdNetwork.id)).scalars())
    return _Previous(members, created, all_ids)


def new_network_id(founding_ad: str, taken: set[str]) -> str:
    """`net-` and a hash of the network's first ad: the same world gives the same ids."""
    digest = hashlib.sha256(founding_ad.encode("utf-8")).hexdigest()[:10]
    candidate, suffix = f"net-{digest}", 1
    while candidate in taken:
        suffix += 1
        candidate = f"net-{digest}-{suffix}"
    return candidate


def assign_ids(
    groups: Sequence[list[int]],
    previous: dict[str, set[int]],
    created: dict[str, str],
    founding: Callable[[int], str],
    taken: set[str],
) -> tuple[list[str], dict[str, str]]:
    """Stable ids: each group keeps the oldest earlier id among the networks it overlaps.

    Groups are served largest first, so when a network splits the bigger part keeps the id.
    Returns the id of each group and, for each earlier id no group kept, the id it went into
    ("" when its ads no longer form any network).
    """
    owner = {ad: network_id for network_id, ads in previous.items() for ad in ads}
    claimed: set[str] = set()
    ids: list[str] = []
    used = set(taken)
    for group in groups:
        overlapping = {owner[ad] for ad in group if ad in owner} - claimed
        if overlapping:
            chosen = min(overlapping, key=lambda n: (created.get(n, ""), n))
        else:
            chosen = new_network_id(founding(group[0]), used)
        claimed.add(chosen)
        used.add(chosen)
        ids.append(chosen)
    group_of = {ad: ids[i] for i, group in enumerate(groups) for ad in group}
    replaced = {}
    for network_id, ads in previous.items():
        if network_id not in claimed:
            into = sorted({group_of[ad] for ad in ads if ad in group_of})
            replaced[network_id] = into[0] if into else ""
    return ids, replaced


def build_networks(session: Session, actor: str, progress: Progress | None = None) -> BuildOutcome:
    """Link every ad, find the connected networks and store them with stable ids."""
    started = utc_now()
    signals = _signals(session)
    links, wholes = link_ads(signals)
    groups = [g for g in wholes if len(g) > 1]
    keys = _ad_keys(session)
    before = _previous(session)
    ids, replaced = assign_ids(
        groups, before.members, before.created, keys.__getitem__, before.all_ids
    )
    build = AdNetworkBuild(
        started_at=started,
        finished_at=started,
        built_by=actor,
        ad_count=len(signals),
        network_count=len(groups),
        link_count=len(links),
    )
    session.add(build)
    session.flush()
    _replace_networks(session, build.id, groups, ids, links, replaced, _posting(session))
    export_networks(session, build.id, actor)
    build.finished_at = utc_now()
    kept = sum(1 for i in ids if i in before.created)
    merged = sum(1 for v in replaced.values() if v)
    outcome = BuildOutcome(
        build.id,
        len(signals),
        len(groups),
        len(links),
        kept,
        len(ids) - kept,
        merged,
        len(replaced) - merged,
    )
    audit.record(session, actor, "networks.build", f"ad-network-build:{build.id}", asdict(outcome))
    if progress is not None:
        progress(len(signals))
    return outcome


def _posting(session: Session) -> dict[int, tuple[str, float]]:
    """Each ad's posting time and indicator score, read once for every network's profile."""
    rows = session.execute(select(AdRow.id, AdRow.posted_at, AdRow.indicator_score))
    return {pk: (posted_at, score) for pk, posted_at, score in rows}


def _ad_keys(session: Session) -> dict[int, str]:
    rows = session.execute(select(AdRow.id, AdRow.site, AdRow.ad_id))
    return {pk: f"{site}/{ad_id}" for pk, site, ad_id in rows}


def _replace_networks(
    session: Session,
    build_id: int,
    groups: Sequence[list[int]],
    ids: list[str],
    links: list[Link],
    replaced: dict[str, str],
    posting: dict[int, tuple[str, float]],
) -> None:
    session.execute(delete(AdNetworkLink))
    session.execute(delete(AdNetworkMember))
    now = utc_now()
    for network_id, into in replaced.items():
        network = session.get(AdNetwork, network_id)
        if network is not None:
            network.status = MERGED if into else DISSOLVED
            network.replaced_by = into or None
            network.updated_at = now
    group_of: dict[int, str] = {}
    for network_id, group in zip(ids, groups, strict=True):
        _store_network(session, build_id, network_id, group, now, posting)
        group_of.update(dict.fromkeys(group, network_id))
    session.flush()
    session.add_all(AdNetworkMember(network_id=group_of[ad], ad=ad) for ad in group_of)
    session.add_all(
        AdNetworkLink(
            network_id=group_of[link.a],
            ad_a=link.a,
            ad_b=link.b,
            kind=link.kind,
            value=link.value[:255],
            similarity=link.similarity,
        )
        for link in links
        if link.a in group_of
    )
    session.flush()


def _store_network(
    session: Session,
    build_id: int,
    network_id: str,
    group: list[int],
    now: str,
    posting: dict[int, tuple[str, float]],
) -> None:
    times = [posting[ad][0] for ad in group]
    first, last, best = min(times), max(times), max(posting[ad][1] for ad in group)
    network = session.get(AdNetwork, network_id)
    if network is None:
        network = AdNetwork(id=network_id, created_at=now)
        session.add(network)
    network.status, network.replaced_by, network.updated_at = ACTIVE, None, now
    network.build_id, network.ad_count = build_id, len(group)
    network.first_posted, network.last_posted, network.max_indicator_score = first, last, best


def json_list(text: str) -> list[Any]:
    """A JSON list column read back."""
    value = json.loads(text)
    return value if isinstance(value, list) else []
