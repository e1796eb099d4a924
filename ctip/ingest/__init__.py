"""Readers and validators for incoming files; each reports rejected rows with number and reason."""
