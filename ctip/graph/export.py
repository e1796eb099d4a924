"""A sub-network as FtM entities, exactly as the store holds them.

The entities and the edge entities (payments, ownerships...) that join them go out unchanged,
so the file opens in Aleph, nomenklatura or any FtM tool and every link is still there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session

from ctip.graph.service import SubNetwork, export_ids
from ctip.store.entities import NOTHING_HIDDEN, Hidden, get_entity


def export_network(
    session: Session, network: SubNetwork, hidden: Hidden = NOTHING_HIDDEN
) -> Iterator[dict[str, Any]]:
    """The FtM dict of every entity and edge entity of the sub-network, by id, with only the
    statements of sources the reader may see."""
    for entity_id in export_ids(network):
        record = get_entity(session, entity_id, hidden)
        if record is not None:
            yield record.proxy.to_dict()
