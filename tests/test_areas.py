"""The area registry: a throwaway area, declared once in its own descriptor, is found by the
API, the workbench (page, navigation, template), the CLI, the policy and the migrations."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from inspect import cleandoc
from pathlib import Path
from typing import Annotated, Any

import pytest
import typer
from fastapi import APIRouter, Depends, Request, Response
from fastapi.testclient import TestClient
from sqlalchemy import inspect
from typer.testing import CliRunner

from ctip import cli
from ctip.api.app import create_app
from ctip.api.deps import require
from ctip.areas import AREAS, REGISTRY, Registry
from ctip.authz.policy import Principal, allowed_roles
from ctip.cli import PLATFORM_GROUPS, build_app, declared_commands
from ctip.commands.group import loaded_command
from ctip.config import Settings
from ctip.model import figures
from ctip.model.area import (
    Area,
    AreaAction,
    CommandRef,
    DemoStep,
    HomeTile,
    Metric,
    NavEntry,
    Ref,
    TablesIn,
    TupleRef,
    grants_of,
    resolve,
)
from ctip.model.roles import Role
from ctip.store.db import Database
from ctip.store.tables import Base
from ctip.web.auth import page_for
from ctip.web.frame import page_context
from ctip.web.rendering import render
from tests.conftest import TEST_PASSWORD
from tests.support.workbench import sign_in


class ChoreAction(AreaAction):
    READ = "chore:read", frozenset({Role.OUTREACH})


MIGRATION = """
import sqlalchemy as sa
from alembic import op

revision = "0900_chores"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("chores", sa.Column("id", sa.Integer, primary_key=True))


def downgrade() -> None:
    op.drop_table("chores")
"""


class ChoreTable:
    """Stands for a model class: the descriptor reads its table name."""

    __tablename__ = "chores"


Reader = Annotated[Principal, Depends(require(ChoreAction.READ))]
PageReader = Annotated[Principal, Depends(page_for(ChoreAction.READ))]
chores_api = APIRouter(prefix="/chores")
chores_pages = APIRouter(include_in_schema=False)
chores_commands = typer.Typer()


@chores_api.get("")
def chores_count(_: Reader) -> dict[str, int]:
    return {"chores": 3}


@chores_pages.get("/chores")
def chores_page(request: Request, principal: PageReader) -> Response:
    return render(request, "chores/index.html", page_context(request, principal))


@chores_commands.command("count")
def count() -> None:
    print("3 chores")


@chores_commands.command("again")
def again() -> None:
    print("again")


def _chores_area(folder: Path) -> Area:
    templates = folder / "templates"
    (templates / "chores").mkdir(parents=True)
    (templates / "chores" / "index.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>Chores page</h1>{% endblock %}'
    )
    migrations = folder / "migrations"
    migrations.mkdir()
    (migrations / "0900_chores.py").write_text(MIGRATION)
    return Area(
        name="chores",
        title="Chores",
        grants=grants_of(ChoreAction),
        routers=(chores_api,),
        pages=(chores_pages,),
        nav=(NavEntry("Chores", "/chores", ChoreAction.READ, "The chores of the day."),),
        templates=templates,
        command_groups={"chores": chores_commands},
        tables=(ChoreTable,),
        migrations=migrations,
        demo=DemoStep(lambda _session: "3 chores", order=5),
        metrics=(Metric("chores_done", "Chores done", lambda _session, year: year - 2000),),
        home=(
            HomeTile(
                "chores waiting for you",
                "/chores",
                ChoreAction.READ,
                lambda _session, username: len(username),
            ),
        ),
    )


@pytest.fixture
def chores(tmp_path: Path) -> Iterator[Registry]:
    """The real areas plus the throwaway one; its grants and migrations withdrawn after."""
    area = _chores_area(tmp_path)
    registry = Registry((*AREAS, area))
    yield registry
    Registry((area,)).uninstall()
    REGISTRY.install()


def test_the_registry_lists_each_area_once() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        Registry((*AREAS, AREAS[0]))


def test_a_throwaway_area_plugs_into_every_part(
    chores: Registry, seeded_settings: Settings
) -> None:
    with TestClient(create_app(seeded_settings, registry=chores), follow_redirects=False) as web:
        assert allowed_roles(ChoreAction.READ) == {Role.OUTREACH}
        sign_in(web, Role.OUTREACH)
        home = web.get("/")
        assert 'href="/chores"' in home.text and "The chores of the day." in home.text
        assert "Your work" in home.text and "chores waiting for you" in home.text
        assert f'<strong class="count">{len("outreach")}</strong>' in home.text
        page = web.get("/chores")
        assert page.status_code == 200 and "Chores page" in page.text
        token = web.post(
            "/api/v1/auth/token",
            json={"username": "outreach", "password": TEST_PASSWORD},
        ).json()["access_token"]
        answer = web.get("/api/v1/chores", headers={"Authorization": f"Bearer {token}"})
        assert answer.json() == {"chores": 3}
        database: Database = web.app.state.database  # type: ignore[attr-defined]
        assert "chores" in inspect(database.engine).get_table_names()
    result = CliRunner().invoke(build_app(chores), ["chores", "count"])
    assert result.exit_code == 0 and "3 chores" in result.output
    assert chores.demo_steps()[0][0] == "chores"
    area_name, metric = next(m for m in figures.declared_metrics() if m[1].id == "chores_done")
    assert area_name == "chores" and metric.compute(None, 2021) == 21  # type: ignore[arg-type]
    assert "chores" in {name for area in chores.areas for name in area.table_names}


def test_a_role_without_the_grant_is_refused(chores: Registry, seeded_settings: Settings) -> None:
    with TestClient(create_app(seeded_settings, registry=chores), follow_redirects=False) as web:
        sign_in(web, Role.INVESTIGATOR)
        home = web.get("/").text
        assert 'href="/chores"' not in home and "chores waiting for you" not in home
        assert web.get("/chores").status_code == 403
        token = web.post(
            "/api/v1/auth/token",
            json={"username": "investigator", "password": TEST_PASSWORD},
        ).json()["access_token"]
        refused = web.get("/api/v1/chores", headers={"Authorization": f"Bearer {token}"})
        assert refused.status_code == 403 and refused.json()["error"]["code"]


def test_without_the_area_its_route_and_page_are_absent(seeded_settings: Settings) -> None:
    with TestClient(create_app(seeded_settings), follow_redirects=False) as web:
        assert web.get("/api/v1/chores").status_code == 404
    assert allowed_roles(ChoreAction.READ) == frozenset()
    assert "chores_done" not in {metric.id for _area, metric in figures.declared_metrics()}


def test_demo_steps_run_lists_first_and_resolution_last() -> None:
    names = [name for name, _seed in REGISTRY.demo_steps()]
    assert names[0] == "lists" and names[-1] == "resolve"
    assert set(names) == {area.name for area in AREAS if area.demo is not None}


def test_every_navigation_entry_leads_to_a_page_of_its_area() -> None:
    for area in AREAS:
        routes = [route for router in area.page_routers() for route in router.routes]
        paths = {getattr(route, "path", None) for route in routes}
        for entry in area.nav:
            assert entry.path in paths, (area.name, entry.path)


def _named_parts(area: Area) -> list[tuple[Ref[Any] | TablesIn, type | None]]:
    """Every part the descriptor names by where it lives, with the kind it must load as."""
    parts: list[tuple[object, type | None]] = []
    parts += [(router, APIRouter) for router in (*area.routers, *area.pages)]
    parts += [(group, typer.Typer) for group in area.command_groups.values()]
    parts += [(command, None) for command in area.commands.values()]
    parts += [(tile.count, None) for tile in _declared_tiles(area)]
    parts += [(reader, None) for reader in area.list_formats.values()]
    parts += [(area.demo.seed, None)] if area.demo is not None else []
    parts += [(part, tuple) for part in (area.metrics, area.home, area.tables)]
    return [(part, kind) for part, kind in parts if isinstance(part, Ref | TablesIn)]


def _declared_tiles(area: Area) -> tuple[HomeTile, ...]:
    return () if isinstance(area.home, TupleRef) else area.home


@pytest.mark.parametrize("area", AREAS, ids=lambda area: area.name)
def test_every_named_part_loads_from_its_own_area(area: Area) -> None:
    """A descriptor names its parts as text; each must exist, be what its field says, and live
    in the area's own package (a name cannot slip past the layer contracts)."""
    parts = _named_parts(area)
    assert parts, "the descriptor names no part: nothing is loaded on first use"
    for part, kind in parts:
        targets = part.modules if isinstance(part, TablesIn) else (part.target,)
        assert all(t.startswith(f"ctip.{area.name}.") for t in targets), targets
        loaded = part.load()
        assert loaded and (isinstance(loaded, kind) if kind else callable(loaded)), targets


def test_the_tables_an_area_names_are_its_models() -> None:
    tables = [model for area in AREAS for model in area.table_models()]
    assert tables and all(issubclass(model, Base) and model is not Base for model in tables)
    assert {model.__table__.name for model in tables} <= set(Base.metadata.tables)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(declared_commands(REGISTRY)))
def test_each_declared_help_line_is_the_commands_own(name: str) -> None:
    """`ctip --help` shows the declared line without importing the command: it must be the
    first paragraph of the command's own help, so the two cannot drift."""
    declared = declared_commands(REGISTRY)[name]
    assert isinstance(declared, CommandRef)
    own = loaded_command(name, declared).help or ""
    assert declared.help == cleandoc(own).split("\n\n")[0]


def test_ctip_help_lists_each_command_as_it_shows_when_loaded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The lazy listing and the listing of every command imported are the same text."""
    loaded_areas = tuple(
        replace(
            area,
            command_groups={name: resolve(g) for name, g in area.command_groups.items()},
            commands={name: resolve(c) for name, c in area.commands.items()},
        )
        for area in AREAS
    )
    lazy_help = CliRunner().invoke(build_app(REGISTRY), ["--help"], terminal_width=200)
    monkeypatch.setattr(cli, "PLATFORM_GROUPS", {n: r.load() for n, r in PLATFORM_GROUPS.items()})
    loaded_help = CliRunner().invoke(
        build_app(Registry(loaded_areas)), ["--help"], terminal_width=200
    )
    REGISTRY.install()
    assert lazy_help.exit_code == loaded_help.exit_code == 0
    assert "finance" in lazy_help.output and "entities" in lazy_help.output
    assert lazy_help.output == loaded_help.output
