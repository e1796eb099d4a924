"""Sources owned by an area, for need-to-know tests of the areas that read the entity store.

Every role that opens cases, finance or tip triage may also open the networks area, so the
ads (source "ads") are hidden from none of them. To show that these areas honour
need-to-know at all, a test gives the store a source owned by an action that only the trade
officers hold ("customs-files"): hidden from investigators and intel analysts, seen by
supervisors and admins.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ctip.authz import need_to_know, policy
from ctip.model.area import AreaAction
from ctip.model.roles import TRADE_OFFICERS
from ctip.store.db import Database
from tests.support.workbench import import_lines

CUSTOMS_SOURCE = "customs-files"


class CustomsAction(AreaAction):
    """A throwaway area's action: reading customs files (trade officers only)."""

    READ = "customs-files:read", TRADE_OFFICERS


@contextmanager
def customs_files_owned() -> Iterator[None]:
    """Source "customs-files" owned by `CustomsAction.READ` while the block runs."""
    policy.declare_grants({CustomsAction.READ: CustomsAction.READ.roles})
    need_to_know.declare_sources({CUSTOMS_SOURCE: CustomsAction.READ})
    try:
        yield
    finally:
        need_to_know.withdraw_sources({CUSTOMS_SOURCE: CustomsAction.READ})
        policy.withdraw_grants([CustomsAction.READ])


def import_entities(database: Database, source: str, *lines: str) -> None:
    """FtM lines (JSON text, one entity each) as `source`."""
    import_lines(database, "".join(line + "\n" for line in lines).encode(), source)
