"""Need-to-know for entities: what an area states is seen only by those who may open it.

Areas meet in the shared entity store, but not everything an area writes there is for every
reader. The networks area writes each ad network's unknown poster, its phones and accounts
(source "ads"); a victim specialist or a trade analyst, who may not open the networks area,
must not find that poster by its phone, by name, on an entity page or in the link graph.

Each area declares the FtM sources it owns and the action that opens them
(`Area.entity_sources`); the registry hands them here. For a principal, the sources of every
area they may not open are hidden: their statements are left out of every read (search,
look-up by identifier, entity page, links, graph, export). An entity stated only by hidden
sources does not exist for that principal (404, not 403, so its existence is not revealed);
an entity also stated by a source they may read shows only those statements.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from ctip.authz.policy import Principal, allowed_roles, can

_owners: dict[str, StrEnum] = {}
"""Each owned source and the action that opens it, as the areas declared them."""


def declare_sources(sources: Mapping[str, StrEnum]) -> None:
    """Record the sources an area owns (the registry calls this); one owner per source."""
    for source, action in sources.items():
        if _owners.get(source, action) != action:
            raise ValueError(f"source {source!r} is owned twice: {_owners[source]} and {action}")
        _owners[source] = action


def withdraw_sources(sources: Mapping[str, StrEnum]) -> None:
    """Forget sources declared earlier (a throwaway area in a test)."""
    for source in sources:
        _owners.pop(source, None)


def owned_sources() -> dict[str, StrEnum]:
    """Every owned source with the action that opens it."""
    return dict(_owners)


def hidden_sources(principal: Principal) -> frozenset[str]:
    """The sources whose statements `principal` may not see: those of the areas whose
    action the policy refuses them."""
    return frozenset(source for source, action in _owners.items() if not can(principal, action))


def hidden_from_some_reader(action: StrEnum) -> frozenset[str]:
    """The sources hidden from at least one role that `action` admits.

    A result worked out once by a job and then shown to every reader of an area (a finance
    scan's scores and their evidence) cannot be cut per reader: the score would still carry
    what the evidence left out. Such a job reads the store as its least entitled reader does.
    """
    readers = allowed_roles(action)
    return frozenset().union(
        *(hidden_sources(Principal(role.value, role, user_id=0)) for role in readers)
    )
