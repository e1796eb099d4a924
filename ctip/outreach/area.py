"""The outreach area, declared once (see the package docstring)."""

from __future__ import annotations

from ctip.model.area import Area

AREA = Area(name="outreach", title="Outreach")
