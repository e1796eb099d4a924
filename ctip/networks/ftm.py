"""A network's identifiers written into the shared entity store as FollowTheMoney entities.

Areas meet through entities: once an ad network's phones, e-mails and accounts are FtM
entities (source "ads"), a search for a phone in the entity store finds the ad network next
to a bank account or a case subject holding the same number. Per network: one `LegalEntity`
for the unknown poster behind it (its phones and e-mails), one `UserAccount` per poster
account, and an `UnknownLink` from the poster to each account.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any, Final

from followthemoney.util import make_entity_id
from sqlalchemy import select
from sqlalchemy.orm import Session

from ctip.ingest.ftm_import import ImportOutcome, import_ftm_bytes
from ctip.networks.tables import AdIdentifier, AdNetwork, AdNetworkMember

SOURCE: Final = "ads"


def _entity_id(*parts: str) -> str:
    """FtM's hashed id of the parts (never None: every part is non-empty text)."""
    entity_id = make_entity_id(*parts)
    assert entity_id is not None
    return entity_id


def poster_id(network_id: str) -> str:
    """The entity id of the unknown poster behind an ad network."""
    return _entity_id("ctip-ad-network", network_id)


def account_id(account: str) -> str:
    """The entity id of a poster account (`site:account`)."""
    return _entity_id("ctip-ad-account", account)


def _identifiers(session: Session) -> dict[str, dict[str, set[str]]]:
    """Network id -> kind -> values, over active networks."""
    query = (
        select(AdNetworkMember.network_id, AdIdentifier.kind, AdIdentifier.value)
        .join(AdIdentifier, AdIdentifier.ad == AdNetworkMember.ad)
        .join(AdNetwork, AdNetwork.id == AdNetworkMember.network_id)
        .where(AdNetwork.status == "active", AdIdentifier.kind.in_(("phone", "email", "account")))
    )
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for network_id, kind, value in session.execute(query):
        found[network_id][kind].add(value)
    return found


def network_entities(network_id: str, identifiers: dict[str, set[str]]) -> Iterator[dict[str, Any]]:
    """The FtM entities of one network."""
    poster = poster_id(network_id)
    yield {
        "id": poster,
        "schema": "LegalEntity",
        "properties": {
            "name": [f"Poster of ad network {network_id}"],
            "phone": sorted(identifiers.get("phone", ())),
            "email": sorted(identifiers.get("email", ())),
            "notes": ["Unknown poster behind linked online ads (ctip networks)."],
        },
    }
    for account in sorted(identifiers.get("account", ())):
        site, _, username = account.partition(":")
        yield {
            "id": account_id(account),
            "schema": "UserAccount",
            "properties": {"username": [username], "service": [site]},
        }
        yield {
            "id": _entity_id("ctip-ad-account-link", network_id, account),
            "schema": "UnknownLink",
            "properties": {
                "subject": [poster],
                "object": [account_id(account)],
                "role": [f"posts ads of ad network {network_id}"],
            },
        }


def export_networks(session: Session, build_id: int, actor: str) -> ImportOutcome | None:
    """Import every active network's entities as source "ads" (idempotent by content)."""
    lines = []
    for network_id, identifiers in sorted(_identifiers(session).items()):
        for entity in network_entities(network_id, identifiers):
            entity["properties"] = {k: v for k, v in entity["properties"].items() if v}
            lines.append(json.dumps(entity, sort_keys=True, ensure_ascii=False))
    if not lines:
        return None
    data = ("\n".join(lines) + "\n").encode("utf-8")
    return import_ftm_bytes(session, data, f"ad-networks-build-{build_id}.ijson", SOURCE, actor)
