"""Fixtures of the cases tests: people of two investigations who share a phone, as FtM
entities of the store, and principals for each role."""

from __future__ import annotations

from ctip.authz.policy import Principal
from ctip.ingest.ftm_import import import_ftm_bytes
from ctip.model.roles import Role
from ctip.store.db import Database

SHARED_PHONE = "+1 713 555 0142"
PEOPLE = (
    b'{"id": "case-test-olena", "schema": "Person", '
    b'"properties": {"name": ["Olena Petrova"], "phone": ["+17135550142"]}}\n'
    b'{"id": "case-test-ivan", "schema": "Person", '
    b'"properties": {"name": ["Ivan Sokolov"], "phone": ["+17135550142"], '
    b'"email": ["ivan.sokolov@example.org"]}}\n'
    b'{"id": "case-test-maria", "schema": "Person", '
    b'"properties": {"name": ["Maria Garcia"]}}\n'
    b'{"id": "case-test-company", "schema": "Company", '
    b'"properties": {"name": ["Golden Harvest Garments LLC"]}}\n'
)


def import_people(database: Database) -> None:
    """The test people and a company, as source 'case-test'."""
    with database.session() as session:
        import_ftm_bytes(session, PEOPLE, "case-test.ijson", "case-test", "test-setup")


def person(name: str, role: Role = Role.INVESTIGATOR) -> Principal:
    """A signed-in person of a role (the services need only the name and the role)."""
    return Principal(name, role, user_id=1)
