"""networks: ads files move into the one file table

The area's own file table, `ad_imports`, becomes rows of the foundation's `file_imports`
(kind `ads`, no scope), so an ads file loaded before this revision is still recognised when
it is loaded again. Each ad follows its file to the new id, and its foreign key now points
at `file_imports` (a foundation table, never another area's). Then `ad_imports` goes.

Revision ID: 0008_networks_file_imports
Revises: 0004_networks
Depends on: 0007_file_imports
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_networks_file_imports"
down_revision: str | None = "0004_networks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = "0007_file_imports"

KIND = "ads"

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
            "SELECT file_name, content_sha256, ad_count, imported_at, imported_by"
            " FROM ad_imports ORDER BY id"
        )
    )
    copied = [
        {
            "kind": KIND,
            "scope": "",
            "file_name": row.file_name,
            "content_sha256": row.content_sha256,
            "counts": json.dumps({"ads": row.ad_count}),
            "imported_at": row.imported_at,
            "imported_by": row.imported_by,
        }
        for row in rows
    ]
    if copied:
        op.bulk_insert(FILE_IMPORTS, copied)


def _repoint_ads() -> None:
    """Each ad's import id becomes its file's new id (one statement: none moves twice)."""
    op.execute(
        sa.text(
            "UPDATE ads SET import_id = (SELECT f.id FROM file_imports f, ad_imports o"
            " WHERE o.id = ads.import_id AND f.kind = :kind AND f.scope = ''"
            " AND f.content_sha256 = o.content_sha256)"
        ).bindparams(kind=KIND)
    )


def upgrade() -> None:
    _copy_files()
    with op.batch_alter_table("ads", schema=None) as batch_op:
        batch_op.drop_constraint("fk_ads_import_id_ad_imports", type_="foreignkey")
    _repoint_ads()
    with op.batch_alter_table("ads", schema=None) as batch_op:
        batch_op.create_foreign_key(
            op.f("fk_ads_import_id_file_imports"), "file_imports", ["import_id"], ["id"]
        )
    op.drop_table("ad_imports")


def downgrade() -> None:
    """The ads files go back to `ad_imports` with their ids; the ads still point at them."""
    op.create_table(
        "ad_imports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("ad_count", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.String(length=32), nullable=False),
        sa.Column("imported_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ad_imports")),
        sa.UniqueConstraint("content_sha256", name=op.f("uq_ad_imports_content_sha256")),
    )
    bind = op.get_bind()
    query = sa.text(
        "SELECT id, content_sha256, file_name, counts, imported_at, imported_by"
        " FROM file_imports WHERE kind = :kind ORDER BY id"
    )
    for row in bind.execute(query, {"kind": KIND}).all():
        bind.execute(
            sa.text(
                "INSERT INTO ad_imports (id, content_sha256, file_name, ad_count, imported_at,"
                " imported_by) VALUES (:id, :sha, :name, :n, :at, :by)"
            ),
            {
                "id": row.id,
                "sha": row.content_sha256,
                "name": row.file_name,
                "n": json.loads(row.counts).get("ads", 0),
                "at": row.imported_at,
                "by": row.imported_by,
            },
        )
    if bind.dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('ad_imports', 'id'),"
            " (SELECT COALESCE(MAX(id), 0) + 1 FROM ad_imports), false)"
        )
    with op.batch_alter_table("ads", schema=None) as batch_op:
        batch_op.drop_constraint("fk_ads_import_id_file_imports", type_="foreignkey")
        batch_op.create_foreign_key(
            op.f("fk_ads_import_id_ad_imports"), "ad_imports", ["import_id"], ["id"]
        )
    op.execute(sa.text("DELETE FROM file_imports WHERE kind = :kind").bindparams(kind=KIND))
