"""One file table for every loader: the FtM imports move into it.

Every loader (FtM entities, entry lines, supplier declarations, ads, list editions) records
its files in `file_imports`, unique by (kind, scope, content hash). This revision creates it
and moves the foundation's own file table, `imports`, into it with the same ids (so each
statement still names the import it came from) and the same idempotence (kind `entities`,
scope the source). The areas' migrations move their own file tables after this one.

Revision ID: 0007_file_imports
Revises: 0006_audit_resource_index
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_file_imports"
down_revision: str | None = "0006_audit_resource_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTM_KIND = "entities"


def _file_imports() -> sa.Table:
    return op.create_table(
        "file_imports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.String(length=32), nullable=False),
        sa.Column("imported_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_file_imports")),
        sa.UniqueConstraint("kind", "scope", "content_sha256", name=op.f("uq_file_imports_kind")),
    )


def _copy_ftm_imports(file_imports: sa.Table) -> None:
    """Each FtM import becomes a file import with the same id (statements point at it)."""
    rows = op.get_bind().execute(
        sa.text(
            "SELECT id, source, file_name, content_sha256, entity_count, statement_count,"
            " imported_at, imported_by FROM imports ORDER BY id"
        )
    )
    copied = [
        {
            "id": row.id,
            "kind": FTM_KIND,
            "scope": row.source,
            "file_name": row.file_name,
            "content_sha256": row.content_sha256,
            "counts": json.dumps(
                {"entities": row.entity_count, "statements": row.statement_count},
                sort_keys=True,
            ),
            "imported_at": row.imported_at,
            "imported_by": row.imported_by,
        }
        for row in rows
    ]
    if copied:
        op.bulk_insert(file_imports, copied)
    _restart_id_sequence("file_imports")


def _restart_id_sequence(table: str) -> None:
    """PostgreSQL hands out ids from a sequence that explicit ids did not advance."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
            f" (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
        )


def upgrade() -> None:
    _copy_ftm_imports(_file_imports())
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.drop_constraint("fk_statements_import_id_imports", type_="foreignkey")
        batch_op.create_foreign_key(
            op.f("fk_statements_import_id_file_imports"), "file_imports", ["import_id"], ["id"]
        )
    op.drop_table("imports")


def _imports() -> sa.Table:
    return op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("entity_count", sa.Integer(), nullable=False),
        sa.Column("statement_count", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.String(length=32), nullable=False),
        sa.Column("imported_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
        sa.UniqueConstraint("source", "content_sha256", name=op.f("uq_imports_source")),
    )


def _copy_back_ftm_imports(imports: sa.Table) -> None:
    rows = op.get_bind().execute(
        sa.text(
            "SELECT id, scope, file_name, content_sha256, counts, imported_at, imported_by"
            " FROM file_imports WHERE kind = :kind ORDER BY id"
        ),
        {"kind": FTM_KIND},
    )
    copied = []
    for row in rows:
        counts = json.loads(row.counts)
        copied.append(
            {
                "id": row.id,
                "source": row.scope[:100],
                "file_name": row.file_name,
                "content_sha256": row.content_sha256,
                "entity_count": counts.get("entities", 0),
                "statement_count": counts.get("statements", 0),
                "imported_at": row.imported_at,
                "imported_by": row.imported_by,
            }
        )
    if copied:
        op.bulk_insert(imports, copied)
    _restart_id_sequence("imports")


def downgrade() -> None:
    """Back to the FtM-only table; the areas' downgrades have taken their files back first."""
    _copy_back_ftm_imports(_imports())
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.drop_constraint("fk_statements_import_id_file_imports", type_="foreignkey")
        batch_op.create_foreign_key(
            op.f("fk_statements_import_id_imports"), "imports", ["import_id"], ["id"]
        )
    op.drop_table("file_imports")
