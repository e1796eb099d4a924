"""The networks area's part of the demo world: synthetic ads with planted networks, built."""

from __future__ import annotations

import json
from typing import Final

from sqlalchemy.orm import Session

from ctip.networks.service import build_networks, load_ads
from ctip.networks.synthetic import generate

DEMO_ADS: Final = 400
DEMO_NETWORKS: Final = 4
DEMO_SEED: Final = 2021
DEMO_ACTOR: Final = "demo"


def demo_file() -> bytes:
    """The demo ads as JSON lines (the same bytes every time, so loading is idempotent)."""
    world = generate(DEMO_ADS, DEMO_NETWORKS, DEMO_SEED)
    return ("\n".join(json.dumps(row, sort_keys=True) for row in world.ads) + "\n").encode()


def seed_demo(session: Session) -> str:
    """Load the synthetic ads (a no-op when loaded before) and build networks once."""
    outcome = load_ads(session, demo_file(), "demo-ads.jsonl", DEMO_ACTOR)
    if outcome.already_imported:
        return f"demo ads already loaded ({outcome.ads_seen_again} ads)"
    built = build_networks(session, DEMO_ACTOR)
    return (
        f"{outcome.ads_new} synthetic ads, {DEMO_NETWORKS} planted networks, "
        f"{built.networks} networks built ({built.links} links)"
    )
