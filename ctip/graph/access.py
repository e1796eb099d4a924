"""Who may read the link graph: every analyst."""

from __future__ import annotations

from ctip.model.area import AreaAction
from ctip.model.roles import ANALYSTS


class GraphAction(AreaAction):
    """Reading the link graph: neighbourhoods, paths, communities, centrality, export."""

    READ = "graph:read", ANALYSTS
