"""`ctip intake ...` for the analyst: the queue as JSON, a tip with its links, triage."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ctip.cli import app
from ctip.config import get_settings
from ctip.intake.tips import TipInput, submit_tip
from ctip.store.db import Database

runner = CliRunner()


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("CTIP_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("CTIP_ENV", "test")
    get_settings.cache_clear()
    database = Database(f"sqlite:///{path}")
    database.upgrade()
    yield database
    database.dispose()
    get_settings.cache_clear()


def test_the_analyst_lists_shows_and_triages_tips(store: Database) -> None:
    with store.session() as session:
        tip_id = submit_tip(
            session,
            TipInput("inside_us", "sex trafficking", "A motel off I-45.", phones=("713 555 0199",)),
            "api",
        ).tip_id
        submit_tip(
            session,
            TipInput("outside_us", "forced labor in goods", "Gloves.", company="Acme"),
            "web",
        )
    listed = runner.invoke(app, ["intake", "tips", "list", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    assert [(r["tip"], r["status"], r["activity"]) for r in rows] == [
        (tip_id, "new", "sex trafficking")
    ]
    shown = runner.invoke(app, ["intake", "tips", "show", tip_id])
    assert shown.exit_code == 0 and "no links" in shown.output
    both = runner.invoke(
        app, ["intake", "tips", "triage", tip_id, "--close", "--refer", "HPD", "--why", "x"]
    )
    assert both.exit_code == 2
    missing = runner.invoke(
        app, ["intake", "tips", "triage", "TIP-NOSUCHTIP", "--close", "--why", "x"]
    )
    assert missing.exit_code == 3
    done = runner.invoke(
        app, ["intake", "tips", "triage", tip_id, "--accept", "HSI-2026-9", "--why", "credible"]
    )
    assert done.exit_code == 0 and "accepted" in done.output
    rows = json.loads(
        runner.invoke(
            app, ["intake", "tips", "list", "--status", "accepted", "--format", "json"]
        ).output
    )
    assert [r["tip"] for r in rows] == [tip_id]
    assert (
        json.loads(
            runner.invoke(
                app, ["intake", "tips", "list", "--status", "new", "--format", "json"]
            ).output
        )
        == []
    )
    allegations = json.loads(
        runner.invoke(app, ["intake", "allegations", "list", "--format", "json"]).output
    )
    assert [a["company"] for a in allegations] == ["Acme"]
