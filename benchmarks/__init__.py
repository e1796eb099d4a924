"""Scripts a person runs to measure ctip's speed (see README.md); not timed tests."""
