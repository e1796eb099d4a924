"""networks: ads, their identifiers, ad networks with their members, links and builds

Revision ID: 0004_networks
Revises: 0001
Create Date: 2026-11-27 20:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_networks"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
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
    op.create_table(
        "ad_network_builds",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("started_at", sa.String(length=32), nullable=False),
        sa.Column("finished_at", sa.String(length=32), nullable=False),
        sa.Column("built_by", sa.String(length=100), nullable=False),
        sa.Column("ad_count", sa.Integer(), nullable=False),
        sa.Column("network_count", sa.Integer(), nullable=False),
        sa.Column("link_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ad_network_builds")),
    )
    op.create_table(
        "ad_networks",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("replaced_by", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("build_id", sa.Integer(), nullable=False),
        sa.Column("ad_count", sa.Integer(), nullable=False),
        sa.Column("first_posted", sa.String(length=32), nullable=False),
        sa.Column("last_posted", sa.String(length=32), nullable=False),
        sa.Column("max_indicator_score", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ad_networks")),
    )
    op.create_table(
        "ads",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site", sa.String(length=100), nullable=False),
        sa.Column("ad_id", sa.String(length=200), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("posted_at", sa.String(length=32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("price", sa.String(length=100), nullable=False),
        sa.Column("phones", sa.Text(), nullable=False),
        sa.Column("emails", sa.Text(), nullable=False),
        sa.Column("image_hashes", sa.Text(), nullable=False),
        sa.Column("account", sa.String(length=200), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("indicator_score", sa.Float(), nullable=False),
        sa.Column("indicators", sa.Text(), nullable=False),
        sa.Column("extraction", sa.Text(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"], ["ad_imports.id"], name=op.f("fk_ads_import_id_ad_imports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ads")),
        sa.UniqueConstraint("site", "ad_id", name=op.f("uq_ads_site")),
    )
    op.create_table(
        "ad_identifiers",
        sa.Column("ad", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=255), nullable=False),
        sa.Column("found_in", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["ad"], ["ads.id"], name=op.f("fk_ad_identifiers_ad_ads")),
        sa.PrimaryKeyConstraint("ad", "kind", "value", name=op.f("pk_ad_identifiers")),
    )
    with op.batch_alter_table("ad_identifiers", schema=None) as batch_op:
        batch_op.create_index("ix_ad_identifiers_value", ["value"], unique=False)

    op.create_table(
        "ad_network_links",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("network_id", sa.String(length=40), nullable=False),
        sa.Column("ad_a", sa.Integer(), nullable=False),
        sa.Column("ad_b", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=255), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["ad_a"], ["ads.id"], name=op.f("fk_ad_network_links_ad_a_ads")),
        sa.ForeignKeyConstraint(["ad_b"], ["ads.id"], name=op.f("fk_ad_network_links_ad_b_ads")),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["ad_networks.id"],
            name=op.f("fk_ad_network_links_network_id_ad_networks"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ad_network_links")),
    )
    with op.batch_alter_table("ad_network_links", schema=None) as batch_op:
        batch_op.create_index("ix_ad_network_links_network_id", ["network_id"], unique=False)

    op.create_table(
        "ad_network_members",
        sa.Column("network_id", sa.String(length=40), nullable=False),
        sa.Column("ad", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["ad"], ["ads.id"], name=op.f("fk_ad_network_members_ad_ads")),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["ad_networks.id"],
            name=op.f("fk_ad_network_members_network_id_ad_networks"),
        ),
        sa.PrimaryKeyConstraint("network_id", "ad", name=op.f("pk_ad_network_members")),
    )
    with op.batch_alter_table("ad_network_members", schema=None) as batch_op:
        batch_op.create_index("ix_ad_network_members_ad", ["ad"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ad_network_members", schema=None) as batch_op:
        batch_op.drop_index("ix_ad_network_members_ad")

    op.drop_table("ad_network_members")
    with op.batch_alter_table("ad_network_links", schema=None) as batch_op:
        batch_op.drop_index("ix_ad_network_links_network_id")

    op.drop_table("ad_network_links")
    with op.batch_alter_table("ad_identifiers", schema=None) as batch_op:
        batch_op.drop_index("ix_ad_identifiers_value")

    op.drop_table("ad_identifiers")
    op.drop_table("ads")
    op.drop_table("ad_networks")
    op.drop_table("ad_network_builds")
    op.drop_table("ad_imports")
