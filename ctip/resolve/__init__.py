"""Entity resolution: Splink models, clusters with stable ids, and the judgement ledger."""
