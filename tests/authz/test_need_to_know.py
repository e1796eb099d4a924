"""Which sources a role may not see: those of the areas whose action it is refused, as each
area declares them in its descriptor (`Area.entity_sources`) and the registry hands over."""

from __future__ import annotations

from enum import StrEnum

import pytest

from ctip.areas import Registry
from ctip.authz.need_to_know import (
    declare_sources,
    hidden_from_some_reader,
    hidden_sources,
    owned_sources,
    withdraw_sources,
)
from ctip.authz.policy import Principal, declare_grants, withdraw_grants
from ctip.model.area import Area, AreaAction, grants_of
from ctip.model.roles import INVESTIGATORS, TRADE_OFFICERS, Role


class TipAction(AreaAction):
    """A throwaway area's action (investigators only)."""

    READ = "tiplines:read", INVESTIGATORS


class LedgerAction(AreaAction):
    """Another throwaway area's action (trade officers only)."""

    READ = "ledgers:read", TRADE_OFFICERS


def _principal(role: Role) -> Principal:
    return Principal(user_id=1, username=role.value, role=role)


def test_an_areas_sources_are_hidden_from_the_roles_it_refuses() -> None:
    tiplines = Area(
        "tiplines",
        "Tip lines",
        grants=grants_of(TipAction),
        entity_sources={"tipline-calls": TipAction.READ},
    )
    ledgers = Area(
        "ledgers",
        "Ledgers",
        grants=grants_of(LedgerAction),
        entity_sources={"ledger-rows": LedgerAction.READ},
    )
    registry = Registry((tiplines, ledgers))
    registry.install()
    try:
        assert {"tipline-calls", "ledger-rows"} <= set(owned_sources())
        investigator = hidden_sources(_principal(Role.INVESTIGATOR))
        assert "tipline-calls" not in investigator and "ledger-rows" in investigator
        trade = hidden_sources(_principal(Role.TRADE_ANALYST))
        assert "tipline-calls" in trade and "ledger-rows" not in trade
        specialist = hidden_sources(_principal(Role.VICTIM_SPECIALIST))
        assert {"tipline-calls", "ledger-rows"} <= specialist
        assert not {"tipline-calls", "ledger-rows"} & hidden_sources(_principal(Role.ADMIN))
    finally:
        registry.uninstall()
    assert "tipline-calls" not in owned_sources()
    assert "tipline-calls" not in hidden_sources(_principal(Role.VICTIM_SPECIALIST))


def test_a_source_cannot_be_owned_by_two_areas() -> None:
    declare_sources({"shared-source": TipAction.READ})
    try:
        with pytest.raises(ValueError, match="owned twice"):
            declare_sources({"shared-source": LedgerAction.READ})
    finally:
        withdraw_sources({"shared-source": TipAction.READ})


def test_a_result_shown_to_every_reader_of_an_action_hides_what_any_of_them_may_not_see() -> None:
    declare_sources({"ledger-rows": LedgerAction.READ})  # trade officers only
    grants: dict[StrEnum, frozenset[Role]] = {LedgerAction.READ: TRADE_OFFICERS}
    grants[TipAction.READ] = INVESTIGATORS
    declare_grants(grants)
    try:
        investigators_read = hidden_from_some_reader(TipAction.READ)
        assert "ledger-rows" in investigators_read and "ads" not in investigators_read
        trade_officers_read = hidden_from_some_reader(LedgerAction.READ)
        assert "ads" in trade_officers_read and "ledger-rows" not in trade_officers_read
    finally:
        withdraw_sources({"ledger-rows": LedgerAction.READ})
        withdraw_grants(grants)
