"""Victims (identity in a need-to-know compartment), Continued Presence, T and U visas,
deadlines."""
