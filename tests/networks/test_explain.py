"""Why ads are one network, and why an ad was flagged, in sentences with references."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict

import pytest
from fastapi.testclient import TestClient

from ctip.config import Settings
from ctip.indicators.engine import load_pack
from ctip.model.explain import RefKind
from ctip.model.roles import Role
from ctip.networks import profile
from ctip.networks.demo import seed_demo
from ctip.networks.explain import indicator_explanation, network_explanation
from ctip.networks.extract import fold
from ctip.networks.linking import TEXT_THRESHOLD
from ctip.networks.profile import LinkEvidence
from ctip.store.db import Database
from tests.support.workbench import sign_in

AD_TEXT = "New in town for 2 days only, young sweet girl, call her daddy to book, cashapp only"


def test_each_shared_identifier_names_its_value_and_the_ads_it_joins() -> None:
    links = [
        LinkEvidence("s/1", "s/2", "phone", "+15555550100", None),
        LinkEvidence("s/1", "s/3", "phone", "+15555550100", None),
        LinkEvidence("s/3", "s/4", "text", "near-duplicate text", 0.81),
        LinkEvidence("s/2", "s/4", "text", "near-duplicate text", 0.62),
    ]
    summary = profile.NetworkSummary("net-1", "active", None, 4, "", "", 0.0, "", "")
    explained = network_explanation(profile.NetworkProfile(summary, [], [], [], [], links))
    phone, text = explained.features
    assert phone.sentence == "3 ads state the same phone, +15555550100."
    assert [r.id for r in phone.refs(RefKind.IDENTIFIER)] == ["phone:+15555550100"]
    assert [r.id for r in phone.refs(RefKind.AD)] == ["s/1", "s/2", "s/3"]
    assert f"likeness 0.62 to 0.81, at least {TEXT_THRESHOLD:.2f}" in text.sentence
    assert explained.summary() == "2 pieces of evidence for it, so the outcome is one network."


def test_an_ads_indicators_are_explained_by_rule_id_from_the_pack() -> None:
    scored = load_pack("ads").evaluate(fold(AD_TEXT))
    assert scored.fired
    explained = indicator_explanation(scored.score, [asdict(f) for f in scored.fired])
    rules = [r.id for r in explained.references(RefKind.RULE)]
    assert rules == [f.rule_id for f in scored.fired]
    first = scored.fired[0]
    assert explained.features[0].sentence.startswith(f"{first.title}: ")
    assert f"Found: {first.evidence[0]!r}" in explained.features[0].sentence
    assert explained.outcome == "look closer"
    assert indicator_explanation(0.0, []).outcome == "no indicator"


@pytest.fixture
def demo_settings(seeded_settings: Settings) -> Iterator[Settings]:
    database = Database(seeded_settings.database_url)
    with database.session() as session:
        seed_demo(session)
    database.dispose()
    yield seeded_settings


def test_the_network_page_says_why_its_ads_are_one_network(
    demo_settings: Settings, web: TestClient
) -> None:
    database = Database(demo_settings.database_url)
    with database.session() as session:
        top = profile.list_networks(session, 1)[0]
    database.dispose()
    sign_in(web, Role.INVESTIGATOR)
    html = web.get(f"/networks/{top.id}").text
    assert 'id="network-explanation"' in html
    assert "ads state the same phone" in html and "so the outcome is one network" in html
