"""What entity resolution lets people do: all analysts read; investigators run and judge."""

from __future__ import annotations

from ctip.model.area import AreaAction
from ctip.model.roles import ANALYSTS, INVESTIGATORS


class ResolveAction(AreaAction):
    """Reading clusters, running resolution, judging whether two records are one party."""

    READ = "resolve:read", ANALYSTS
    RUN = "resolve:run", INVESTIGATORS
    JUDGE = "resolve:judge", INVESTIGATORS
