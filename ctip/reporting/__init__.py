"""The fiscal-year report: every figure computed from the areas' records, small cells suppressed."""
