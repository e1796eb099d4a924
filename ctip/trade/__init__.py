"""Forced labour in supply chains: lists, import-entry screening, supplier tiers, detentions."""
