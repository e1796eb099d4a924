"""A model link explained: a sentence per comparison with its weight, conflicting comparisons
marked, the prior as a starting point, and an analyst's judgement that decides."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient

from ctip.model.explain import RefKind
from ctip.model.roles import Role
from ctip.resolve import service
from ctip.resolve.explain import link_explanation
from ctip.resolve.records import record_from_row
from ctip.store.db import Database
from tests.support.workbench import sign_in


@dataclass(frozen=True)
class Link:
    left_id: str
    right_id: str
    match_probability: float
    evidence: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Judgement:
    id: int
    left_ref: str
    right_ref: str
    decision: str
    why: str
    actor: str = "ana"
    judged_at: str = "2026-01-05T10:00:00Z"


EVIDENCE = [
    {"comparison": "prior", "level": "", "match_weight": -9.5, "left": None, "right": None},
    {
        "comparison": "name",
        "level": "Exact match on name",
        "match_weight": 11.2,
        "left": "Ana Lima",
        "right": "Ana Lima",
    },
    {
        "comparison": "birth_date",
        "level": "All other comparisons",
        "match_weight": -4.0,
        "left": "1990-01-02",
        "right": "1975-07-30",
    },
    {"comparison": "phone", "level": "", "match_weight": 0.0, "left": None, "right": "+1555"},
]
LINK = Link("p1", "p2", 0.93, EVIDENCE)


def test_each_comparison_is_a_sentence_whose_contribution_is_its_weight() -> None:
    explained = link_explanation(LINK)
    assert [f.name for f in explained.features] == ["prior", "name", "birth_date", "phone"]
    assert [f.contribution for f in explained.features] == [-9.5, 11.2, -4.0, 0.0]
    name = explained.features[1]
    assert name.sentence == "Name: 'Ana Lima' and 'Ana Lima' (Exact match on name, +11.20)."
    assert [r.url for r in name.refs(RefKind.RECORD)] == [
        "/resolve/clusters/p1",
        "/resolve/clusters/p2",
    ]
    assert "missing on one record" in explained.features[3].sentence


def test_a_comparison_that_lowers_the_weight_is_conflicting_the_prior_is_not() -> None:
    explained = link_explanation(LINK)
    assert [f.name for f in explained.conflicting()] == ["birth_date"]
    assert explained.outcome == "linked"
    assert explained.summary().startswith("Score 0.93 reaches the linked threshold of 0.90")


def test_an_analysts_judgement_on_the_pair_decides_over_the_score() -> None:
    rejected = Judgement(7, "p2", "p1", "different", "different fathers")
    elsewhere = Judgement(8, "p1", "p9", "same", "same passport")
    explained = link_explanation(LINK, [rejected, elsewhere])
    assert explained.outcome == "not linked"
    (judged,) = explained.overriding()
    assert judged.sentence == "ana judged p2 and p1 different on 2026-01-05: different fathers."
    assert explained.summary().startswith("ana judged p2 and p1 different")
    assert [r.id for r in judged.refs(RefKind.JUDGEMENT)] == ["7"]


def test_the_cluster_page_reads_each_link_as_sentences(web: TestClient) -> None:
    database: Database = web.app.state.database  # type: ignore[attr-defined]
    people = [
        {"id": "p1", "name": "Ana Lima", "birth_date": "1990-01-02", "source": "intake"},
        {"id": "p2", "name": "Ana Lima", "birth_date": "1990-01-02", "source": "tips"},
    ]
    with database.session() as session:
        outcome = service.resolve_batch(session, [record_from_row(p, "web") for p in people], "t")
    sign_in(web, Role.INVESTIGATOR)
    html = web.get(f"/resolve/clusters/{outcome.assignment['p1']}").text
    assert "Birth date: &#39;1990-01-02&#39; and &#39;1990-01-02&#39; (Exact match" in html
    assert 'id="link-explanation-1"' in html and "Supports:</strong>" in html
    assert "so the outcome is linked" in html
