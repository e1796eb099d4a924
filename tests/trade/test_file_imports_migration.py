"""Upgrading a store from before the one file table keeps the trade area's loaded files:
each entry line and declaration follows its file to its new id, and loading the same file
again is still a no-op."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select

from ctip.store.db import Database
from ctip.store.tables import FileImportRow
from ctip.trade import entries, tiers
from ctip.trade.tables import EntryLineRow, SupplierLinkRow
from tests.support.migrations import OLD_TIME, database_before_file_imports, insert, old_ftm_import

FILES = {1: b"entries of the first file", 2: b"entries of the second file"}
SUPPLIERS = b"buyer,supplier,material\n"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _old_entry_file(database: Database, file_id: int, data: bytes) -> None:
    insert(
        database,
        "trade_entry_files",
        id=file_id,
        file_name=f"entries-{file_id}.csv",
        content_sha256=_sha(data),
        line_count=1,
        loaded_at=OLD_TIME,
        loaded_by="old-loader",
    )
    insert(
        database,
        "trade_entry_lines",
        entry_number=f"ABC000000{file_id}1",
        line_number=1,
        importer="Importer",
        manufacturer="Maker",
        manufacturer_address="",
        seller="",
        shipper="",
        country_of_origin="CN",
        hts_code="5208524000",
        description="",
        value_usd="10.00",
        quantity="1",
        unit="",
        arrival_date="2025-06-01",
        port="2704",
        line_sha256="0" * 64,
        file_id=file_id,
    )


def _old_supplier_file(database: Database) -> None:
    insert(
        database,
        "trade_supplier_files",
        id=1,
        file_name="suppliers.csv",
        content_sha256=_sha(SUPPLIERS),
        link_count=1,
        loaded_at=OLD_TIME,
        loaded_by="old-loader",
    )
    insert(
        database,
        "trade_supplier_links",
        buyer_key="maker",
        supplier_key="mill",
        material="cotton",
        buyer="Maker",
        supplier="Mill",
        supplier_country="CN",
        supplier_address="",
        file_id=1,
    )


def test_trade_files_move_into_the_file_table_and_stay_idempotent(database_url: str) -> None:
    database = database_before_file_imports(database_url)
    old_ftm_import(database, 1, "registry", "f" * 64)  # takes id 1 in the new table
    for file_id, data in FILES.items():
        _old_entry_file(database, file_id, data)
    _old_supplier_file(database)
    database.upgrade()
    with database.session() as session:
        lines = session.execute(select(EntryLineRow).order_by(EntryLineRow.file_id)).scalars()
        files = [session.get(FileImportRow, line.file_id) for line in lines]
        link = session.execute(select(SupplierLinkRow)).scalar_one()
        link_file = session.get(FileImportRow, link.file_id)
        again = [entries.load_entry_lines(session, d, "x.csv", "t") for d in FILES.values()]
        suppliers_again = tiers.load_suppliers(session, SUPPLIERS, "s.csv", "t")
    assert [(f.kind, f.content_sha256) for f in files if f] == [
        ("trade-entries", _sha(data)) for data in FILES.values()
    ]
    assert all(f is not None and json.loads(f.counts) == {"lines": 1} for f in files)
    assert link_file is not None and link_file.kind == "trade-suppliers"
    assert link_file.content_sha256 == _sha(SUPPLIERS) and link_file.imported_by == "old-loader"
    assert all(load.already_loaded and load.lines == 1 for load in again)
    assert suppliers_again.already_loaded and suppliers_again.links == 1
    database.dispose()
