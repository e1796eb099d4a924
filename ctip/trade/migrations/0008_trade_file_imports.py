"""trade: entry-line and supplier-declaration files move into the one file table

The trade area's two file tables (`trade_entry_files`, `trade_supplier_files`) become rows
of the foundation's `file_imports` (kinds `trade-entries` and `trade-suppliers`, no scope),
so a file loaded before this revision is still recognised when it is loaded again; the
lines and declarations follow their file to its new id. Then the old tables go.

Revision ID: 0008_trade_file_imports
Revises: 0003_trade
Depends on: 0007_file_imports
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_trade_file_imports"
down_revision: str | None = "0003_trade"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "0007_file_imports"

# (old file table, its count column, the count's name now, kind, rows that point at a file)
MOVES = (
    ("trade_entry_files", "line_count", "lines", "trade-entries", "trade_entry_lines"),
    ("trade_supplier_files", "link_count", "links", "trade-suppliers", "trade_supplier_links"),
)

FILE_IMPORTS = sa.table(
    "file_imports",
    sa.column("kind", sa.String),
    sa.column("scope", sa.String),
    sa.column("file_name", sa.String),
    sa.column("content_sha256", sa.String),
    sa.column("counts", sa.Text),
    sa.column("imported_at", sa.String),
    sa.column("imported_by", sa.String),
)


def _copy_files(old: str, count_column: str, count_name: str, kind: str) -> None:
    rows = op.get_bind().execute(
        sa.text(
            f"SELECT file_name, content_sha256, {count_column} AS n, loaded_at, loaded_by"
            f" FROM {old} ORDER BY id"
        )
    )
    copied = [
        {
            "kind": kind,
            "scope": "",
            "file_name": row.file_name,
            "content_sha256": row.content_sha256,
            "counts": json.dumps({count_name: row.n}),
            "imported_at": row.loaded_at,
            "imported_by": row.loaded_by,
        }
        for row in rows
    ]
    if copied:
        op.bulk_insert(FILE_IMPORTS, copied)


def _repoint(rows: str, old: str, kind: str) -> None:
    """Each row's file id becomes its file's new id (one statement: no id is moved twice)."""
    op.execute(
        sa.text(
            f"UPDATE {rows} SET file_id = (SELECT f.id FROM file_imports f, {old} o"
            f" WHERE o.id = {rows}.file_id AND f.kind = :kind AND f.scope = ''"
            " AND f.content_sha256 = o.content_sha256)"
            f" WHERE file_id IN (SELECT id FROM {old})"
        ).bindparams(kind=kind)
    )


def upgrade() -> None:
    for old, count_column, count_name, kind, rows in MOVES:
        _copy_files(old, count_column, count_name, kind)
        _repoint(rows, old, kind)
        op.drop_table(old)


def _old_table(name: str, count_column: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column(count_column, sa.Integer(), nullable=False),
        sa.Column("loaded_at", sa.String(length=32), nullable=False),
        sa.Column("loaded_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint("content_sha256", name=op.f(f"uq_{name}_content_sha256")),
    )


def downgrade() -> None:
    """The files go back to the trade tables, keeping their ids; the rows still point at them."""
    for old, count_column, count_name, kind, _rows in MOVES:
        _old_table(old, count_column)
        op.execute(
            sa.text(
                f"INSERT INTO {old} (id, file_name, content_sha256, {count_column},"
                " loaded_at, loaded_by)"
                " SELECT id, file_name, content_sha256, 0, imported_at, imported_by"
                " FROM file_imports WHERE kind = :kind"
            ).bindparams(kind=kind)
        )
        _restore_counts(old, count_column, count_name, kind)
        _restart_id_sequence(old)
        op.execute(sa.text("DELETE FROM file_imports WHERE kind = :kind").bindparams(kind=kind))


def _restore_counts(old: str, count_column: str, count_name: str, kind: str) -> None:
    bind = op.get_bind()
    query = sa.text("SELECT id, counts FROM file_imports WHERE kind = :kind")
    for file_id, counts in bind.execute(query, {"kind": kind}):
        bind.execute(
            sa.text(f"UPDATE {old} SET {count_column} = :n WHERE id = :id"),
            {"n": json.loads(counts).get(count_name, 0), "id": file_id},
        )


def _restart_id_sequence(table: str) -> None:
    """PostgreSQL hands out ids from a sequence that explicit ids did not advance."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
            f" (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
        )
