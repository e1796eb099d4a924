"""Need-to-know in entity resolution: records that rest on a source the reader may not see.

Resolution runs over every source (`service.resolve_store` is the system's job: one set of
clusters for everybody, so a cluster id or a judgement means the same to every analyst).
What a reader is shown of it is cut to what they may see (`ctip.authz.need_to_know`). A store
record is its entity's statements merged into one row (the first name, the first birth
date...), and the model's evidence compares those merged values, so a record whose entity
has any statement of a source hidden from the reader is withheld whole: left out of the
cluster page, its links, its judgements and history, and the review list's counts. A record
id, or a cluster of withheld records only, is unknown to that reader (404, as elsewhere).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctip.store.entities import Hidden
from ctip.store.tables import StatementRow

BATCH = 5000
"""Record ids asked about in one statement (bound parameters have a limit)."""


def withheld_ids(hidden: Hidden) -> Any:
    """A subquery of the entity ids with a statement of a `hidden` source."""
    return select(StatementRow.entity_id).where(StatementRow.source.in_(sorted(hidden)))


def withheld_among(session: Session, record_ids: Iterable[str], hidden: Hidden) -> set[str]:
    """The records among `record_ids` a reader who may not see `hidden` is not shown."""
    ids = sorted(set(record_ids))
    withheld: set[str] = set()
    if not hidden:
        return withheld
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        query = withheld_ids(hidden).where(StatementRow.entity_id.in_(batch)).distinct()
        withheld.update(session.execute(query).scalars())
    return withheld
