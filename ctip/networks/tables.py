"""Tables of the networks area: ads, what was found in them, and the networks built over them.

Ads are workflow records (FtM has no ad schema); they point at nothing in other areas. The
identifiers of each network are also written to the entity store as FtM entities (see
`ctip.networks.ftm`), which is where areas meet.
"""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ctip.store.tables import TIMESTAMP, Base


class AdRow(Base):
    """One online ad as posted, with its indicator score (pack and version named)."""

    __tablename__ = "ads"
    __table_args__ = (UniqueConstraint("site", "ad_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site: Mapped[str] = mapped_column(String(100))
    ad_id: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(Text)
    posted_at: Mapped[str] = mapped_column(TIMESTAMP)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    location: Mapped[str] = mapped_column(String(200))
    price: Mapped[str] = mapped_column(String(100))
    phones: Mapped[str] = mapped_column(Text)
    emails: Mapped[str] = mapped_column(Text)
    image_hashes: Mapped[str] = mapped_column(Text)
    account: Mapped[str] = mapped_column(String(200))
    content_sha256: Mapped[str] = mapped_column(String(64))
    indicator_score: Mapped[float] = mapped_column(Float)
    indicators: Mapped[str] = mapped_column(Text)
    extraction: Mapped[str] = mapped_column(Text)
    import_id: Mapped[int] = mapped_column(ForeignKey("file_imports.id"))


class AdIdentifier(Base):
    """A normalised identifier of an ad (stated by the site or found in the text)."""

    __tablename__ = "ad_identifiers"
    __table_args__ = (Index("ix_ad_identifiers_value", "value"),)

    ad: Mapped[int] = mapped_column(ForeignKey("ads.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[str] = mapped_column(String(255), primary_key=True)
    found_in: Mapped[str] = mapped_column(String(20))


class AdNetwork(Base):
    """A network: ads joined by shared identifiers or reused text. Ids outlive rebuilds."""

    __tablename__ = "ad_networks"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    replaced_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[str] = mapped_column(TIMESTAMP)
    updated_at: Mapped[str] = mapped_column(TIMESTAMP)
    build_id: Mapped[int] = mapped_column(Integer)
    ad_count: Mapped[int] = mapped_column(Integer)
    first_posted: Mapped[str] = mapped_column(TIMESTAMP)
    last_posted: Mapped[str] = mapped_column(TIMESTAMP)
    max_indicator_score: Mapped[float] = mapped_column(Float)


class AdNetworkMember(Base):
    """An ad in a network (current membership; a rebuild replaces it)."""

    __tablename__ = "ad_network_members"
    __table_args__ = (Index("ix_ad_network_members_ad", "ad"),)

    network_id: Mapped[str] = mapped_column(ForeignKey("ad_networks.id"), primary_key=True)
    ad: Mapped[int] = mapped_column(ForeignKey("ads.id"), primary_key=True)


class AdNetworkLink(Base):
    """The evidence joining two ads: which identifier they share, or how alike their text is."""

    __tablename__ = "ad_network_links"
    __table_args__ = (Index("ix_ad_network_links_network_id", "network_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    network_id: Mapped[str] = mapped_column(ForeignKey("ad_networks.id"))
    ad_a: Mapped[int] = mapped_column(ForeignKey("ads.id"))
    ad_b: Mapped[int] = mapped_column(ForeignKey("ads.id"))
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(255))
    similarity: Mapped[float | None] = mapped_column(Float, nullable=True)


class AdNetworkBuild(Base):
    """One run of network building: who ran it, when, and what it found."""

    __tablename__ = "ad_network_builds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    started_at: Mapped[str] = mapped_column(TIMESTAMP)
    finished_at: Mapped[str] = mapped_column(TIMESTAMP)
    built_by: Mapped[str] = mapped_column(String(100))
    ad_count: Mapped[int] = mapped_column(Integer)
    network_count: Mapped[int] = mapped_column(Integer)
    link_count: Mapped[int] = mapped_column(Integer)
