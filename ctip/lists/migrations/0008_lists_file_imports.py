"""lists: each edition's file moves into the one file table

An edition kept its file's content hash itself (unique per list). The file becomes a row of
the foundation's `file_imports` (kind `list-edition`, scope the list's name), so the same
bytes loaded again into the same list are still recognised; the edition points at its file
(`file_id`) and its own hash column goes.

Revision ID: 0008_lists_file_imports
Revises: 0002_watchlists
Depends on: 0007_file_imports
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_lists_file_imports"
down_revision: str | None = "0002_watchlists"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "0007_file_imports"

KIND = "list-edition"

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


def _copy_files() -> None:
    rows = op.get_bind().execute(
        sa.text(
            "SELECT list_name, file_name, content_sha256, entry_count, rule_count, loaded_at,"
            " loaded_by FROM list_editions ORDER BY id"
        )
    )
    copied = [
        {
            "kind": KIND,
            "scope": row.list_name,
            "file_name": row.file_name,
            "content_sha256": row.content_sha256,
            "counts": json.dumps({"entries": row.entry_count, "rules": row.rule_count}),
            "imported_at": row.loaded_at,
            "imported_by": row.loaded_by,
        }
        for row in rows
    ]
    if copied:
        op.bulk_insert(FILE_IMPORTS, copied)


def upgrade() -> None:
    _copy_files()
    with op.batch_alter_table("list_editions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("file_id", sa.Integer(), nullable=True))
    op.execute(
        sa.text(
            "UPDATE list_editions SET file_id = (SELECT f.id FROM file_imports f"
            " WHERE f.kind = :kind AND f.scope = list_editions.list_name"
            " AND f.content_sha256 = list_editions.content_sha256)"
        ).bindparams(kind=KIND)
    )
    with op.batch_alter_table("list_editions", schema=None) as batch_op:
        batch_op.alter_column("file_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            op.f("fk_list_editions_file_id_file_imports"), "file_imports", ["file_id"], ["id"]
        )
        batch_op.create_unique_constraint(op.f("uq_list_editions_file_id"), ["file_id"])
        batch_op.drop_constraint("uq_list_editions_content", type_="unique")
        batch_op.drop_column("content_sha256")


def downgrade() -> None:
    """The hash goes back onto each edition; the files leave the shared table."""
    with op.batch_alter_table("list_editions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_sha256", sa.String(length=64), nullable=True))
    op.execute(
        "UPDATE list_editions SET content_sha256 = (SELECT f.content_sha256"
        " FROM file_imports f WHERE f.id = list_editions.file_id)"
    )
    with op.batch_alter_table("list_editions", schema=None) as batch_op:
        batch_op.alter_column("content_sha256", existing_type=sa.String(64), nullable=False)
        batch_op.create_unique_constraint(
            "uq_list_editions_content", ["list_name", "content_sha256"]
        )
        batch_op.drop_constraint("uq_list_editions_file_id", type_="unique")
        batch_op.drop_constraint("fk_list_editions_file_id_file_imports", type_="foreignkey")
        batch_op.drop_column("file_id")
    op.execute(sa.text("DELETE FROM file_imports WHERE kind = :kind").bindparams(kind=KIND))
