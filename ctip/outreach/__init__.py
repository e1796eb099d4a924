"""Trainings, presentations, partners and materials (Blue Campaign, Blue Lightning, FLETC)."""
