"""The demo world: a deterministic, synthetic set of records every area adds its part to."""
