"""What the networks area lets people do: investigators' and intel analysts' work."""

from __future__ import annotations

from ctip.model.area import AreaAction
from ctip.model.roles import INVESTIGATORS


class NetworkAction(AreaAction):
    """Ads and the networks built from them."""

    AD_READ = "ads:read", INVESTIGATORS
    AD_WRITE = "ads:write", INVESTIGATORS
    READ = "network:read", INVESTIGATORS
    BUILD = "network:build", INVESTIGATORS
