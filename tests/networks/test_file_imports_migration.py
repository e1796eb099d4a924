"""Upgrading a store from before the one file table keeps the ads files: each ad follows its
file to its new id (the foreign key now points at `file_imports`), its identifiers stay, and
loading the same file again is still a no-op."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select, text

from ctip.networks import service
from ctip.networks.tables import AdIdentifier, AdRow
from ctip.store.tables import FileImportRow
from tests.support.migrations import OLD_TIME, database_before_file_imports, insert, old_ftm_import

ADS = b'{"site": "s.example", "ad_id": "a1", "posted_at": "2025-06-01", "body": "call"}\n'


def test_ads_files_move_into_the_file_table_and_stay_idempotent(database_url: str) -> None:
    database = database_before_file_imports(database_url)
    old_ftm_import(database, 1, "registry", "f" * 64)  # takes id 1 in the new table
    sha = hashlib.sha256(ADS).hexdigest()
    insert(
        database,
        "ad_imports",
        id=1,
        content_sha256=sha,
        file_name="ads.jsonl",
        ad_count=1,
        imported_at=OLD_TIME,
        imported_by="old-loader",
    )
    insert(
        database,
        "ads",
        site="s.example",
        ad_id="a1",
        url="",
        posted_at=OLD_TIME,
        title="",
        body="call",
        location="",
        price="",
        phones="[]",
        emails="[]",
        image_hashes="[]",
        account="",
        content_sha256="0" * 64,
        indicator_score=0.0,
        indicators="[]",
        extraction="{}",
        import_id=1,
    )
    with database.engine.connect() as connection:
        ad_pk = connection.execute(text("SELECT id FROM ads")).scalar_one()
    insert(database, "ad_identifiers", ad=ad_pk, kind="phone", value="+15550100", found_in="body")
    database.upgrade()
    with database.session() as session:
        ad = session.execute(select(AdRow)).scalar_one()
        record = session.get(FileImportRow, ad.import_id)
        identifiers = session.execute(select(AdIdentifier.value)).scalars().all()
        again = service.load_ads(session, ADS, "ads-again.jsonl", "tester")
    assert record is not None and (record.kind, record.content_sha256) == ("ads", sha)
    assert record.id != 1 and json.loads(record.counts) == {"ads": 1}
    assert identifiers == ["+15550100"]
    assert again.already_imported and again.import_id == record.id
    assert (again.ads_new, again.ads_seen_again) == (0, 1)
    database.dispose()
