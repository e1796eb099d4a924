"""The HTTP API under /api/v1 and the app factory that also serves the workbench."""
