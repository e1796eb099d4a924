"""Trafficking networks: online ads, the identifiers in them, ad clusters and network views."""
