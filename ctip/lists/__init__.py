"""Watchlists (any list of names: UFLPA, WRO, sanctions, a case team's own) with editions."""
