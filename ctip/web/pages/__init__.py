"""Workbench pages of each area, one module per area, each exposing `router`."""
