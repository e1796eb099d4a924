"""Storage: SQLAlchemy tables, repositories and the Alembic migrations (SQLite and PostgreSQL)."""
