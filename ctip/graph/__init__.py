"""The link graph over entities and records: neighbours, paths, communities, centrality."""
