"""Sub-command groups of the `ctip` command, one module per area (thin adapters over services)."""
