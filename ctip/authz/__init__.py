"""Users, roles, the one access policy and the hash-chained audit log."""
