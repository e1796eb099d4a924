"""Indicator rule packs: published indicators of trafficking declared as YAML data."""
