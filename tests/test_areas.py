"""The area registry: a throwaway area, declared once in its own descriptor, is found by the
API, the workbench (page, navigation, template), the CLI, the policy and the migrations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import pytest
import typer
from fastapi import APIRouter, Depends, Request, Response
from fastapi.testclient import TestClient
from sqlalchemy import inspect
from typer.testing import CliRunner

from ctip.api.app import create_app
from ctip.api.deps import require
from ctip.areas import AREAS, REGISTRY, Registry
from ctip.authz.policy import Principal, allowed_roles
from ctip.cli import build_app
from ctip.config import Settings
from ctip.model import figures
from ctip.model.area import Area, AreaAction, DemoStep, HomeTile, Metric, NavEntry, grants_of
from ctip.model.roles import Role
from ctip.store.db import Database
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
        paths = {getattr(route, "path", None) for router in area.pages for route in router.routes}
        for entry in area.nav:
            assert entry.path in paths, (area.name, entry.path)
