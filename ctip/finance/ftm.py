"""Bank records as FollowTheMoney entities, in and out, so account holders meet the graph.

Out: each account a `BankAccount`, its holder (when named) a `LegalEntity` with the phone and
e-mail the bank knows, an `Ownership` from holder to account, and each payment a `Payment`
between the two accounts. In: the same schemata read back (`BankAccount`, `Payment`), so
records exported by another tool load like a CSV. Holders are also written to the entity
store (source "finance") at load time: a phone or e-mail on an account then resolves to the
same entity as in ads, cases or shipments through the store's identifier look-ups.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, Final

from followthemoney.util import make_entity_id
from sqlalchemy.orm import Session

from ctip.finance.readers import (
    EPOCH,
    Account,
    BankRecords,
    Note,
    Transaction,
    readable_amount,
)
from ctip.ingest.errors import FileRejected, RowError
from ctip.ingest.ftm_import import ImportOutcome, import_ftm_bytes

SOURCE: Final = "finance"


def _id(*parts: str) -> str:
    entity_id = make_entity_id(*parts)
    assert entity_id is not None
    return entity_id


def account_entity_id(account_id: str) -> str:
    """The FtM id of a bank account."""
    return _id("ctip-bank-account", account_id)


def holder_entity_id(account_id: str) -> str:
    """The FtM id of an account's holder."""
    return _id("ctip-account-holder", account_id)


def _props(**values: str) -> dict[str, list[str]]:
    return {k: [v] for k, v in values.items() if v}


def account_entities(account: Account) -> Iterator[dict[str, Any]]:
    """The account, and its holder and their ownership when the holder is named."""
    account_props = _props(
        accountNumber=account.account_id,
        bankName=account.bank,
        country=account.country.lower(),
        accountType=account.account_type,
        openingDate=account.opened[:10],
    )
    yield {
        "id": account_entity_id(account.account_id),
        "schema": "BankAccount",
        "properties": account_props,
    }
    if not (account.holder_name or account.phone or account.email):
        return
    holder = _props(
        name=account.holder_name or f"Holder of account {account.account_id}",
        phone=account.phone,
        email=account.email,
        idNumber=account.holder_id,
    )
    yield {
        "id": holder_entity_id(account.account_id),
        "schema": "LegalEntity",
        "properties": holder,
    }
    yield {
        "id": _id("ctip-account-ownership", account.account_id),
        "schema": "Ownership",
        "properties": {
            "owner": [holder_entity_id(account.account_id)],
            "asset": [account_entity_id(account.account_id)],
            "role": ["account holder"],
        },
    }


def payment_entity(tx: Transaction) -> dict[str, Any]:
    """A payment between two accounts."""
    props = _props(
        transactionNumber=tx.tx_id,
        amount=tx.amount if readable_amount(tx.amount) is not None else "",
        currency=tx.currency,
        date=tx.occurred_at[:10] if len(tx.occurred_at) >= 10 else "",
        purpose=tx.memo,
        description=tx.channel,
    )
    props["payerAccount"] = [account_entity_id(tx.source)]
    props["beneficiaryAccount"] = [account_entity_id(tx.target)]
    return {"id": _id("ctip-payment", tx.tx_id), "schema": "Payment", "properties": props}


def export_lines(accounts: Iterable[Account], transactions: Iterable[Transaction]) -> Iterator[str]:
    """FtM JSON lines of the accounts, holders and payments."""
    for account in accounts:
        for entity in account_entities(account):
            yield json.dumps(entity, ensure_ascii=False, sort_keys=True)
    for tx in transactions:
        yield json.dumps(payment_entity(tx), ensure_ascii=False, sort_keys=True)


def write_holders(
    session: Session, accounts: Iterable[Account], actor: str, label: str
) -> ImportOutcome | None:
    """Holders with a name, phone or e-mail written to the entity store (source finance)."""
    lines = [
        json.dumps(entity, ensure_ascii=False, sort_keys=True)
        for account in accounts
        if account.holder_name or account.phone or account.email
        for entity in account_entities(account)
    ]
    if not lines:
        return None
    return import_ftm_bytes(
        session, ("\n".join(lines) + "\n").encode(), f"{label}.holders.jsonl", SOURCE, actor
    )


def read_ftm(data: bytes, file_name: str) -> BankRecords:
    """BankAccount and Payment entities (JSON lines) as bank records; other schemata are
    left alone. A Payment without both accounts, or a line that is not JSON, rejects the file."""
    records = BankRecords()
    errors: list[RowError] = []
    numbers: dict[str, str] = {}
    payments: list[tuple[int, dict[str, Any]]] = []
    for line_number, line in enumerate(data.decode("utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entity = json.loads(line)
            schema, props = entity["schema"], entity.get("properties", {})
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            errors.append(RowError(line_number, f"not an FtM entity: {error}"))
            continue
        if schema == "BankAccount":
            number = (props.get("accountNumber") or props.get("iban") or [entity["id"]])[0]
            numbers[entity["id"]] = number
            records.add_account(
                Account(
                    number,
                    bank=(props.get("bankName") or [""])[0][:200],
                    country=(props.get("country") or [""])[0][:2].upper(),
                )
            )
        elif schema == "Payment":
            payments.append((line_number, entity))
    for line_number, entity in payments:
        props = entity.get("properties", {})
        payer, payee = props.get("payerAccount") or [], props.get("beneficiaryAccount") or []
        if not payer or not payee:
            errors.append(
                RowError(line_number, "Payment without payerAccount and beneficiaryAccount")
            )
            continue
        source, target = numbers.get(payer[0], payer[0]), numbers.get(payee[0], payee[0])
        records.mention(source)
        records.mention(target)
        amount = (props.get("amount") or [""])[0]
        when = (props.get("date") or [""])[0]
        if readable_amount(amount) is None:
            records.notes.append(
                Note(file_name, line_number, "amount", f"unreadable amount {amount!r}")
            )
        tx_id = (props.get("transactionNumber") or [entity["id"]])[0]
        records.transactions.append(
            Transaction(
                tx_id[:100],
                source[:100],
                target[:100],
                amount,
                _day(when),
                currency=(props.get("currency") or [""])[0][:3].upper(),
                occurred_at=when[:32],
                channel=(props.get("description") or [""])[0][:20],
                memo=(props.get("purpose") or [""])[0],
            )
        )
    if errors:
        raise FileRejected(file_name, errors)
    return records


def _day(text: str) -> int:
    """The day number of an FtM date, -1 when there is none."""
    try:
        return (date.fromisoformat(text[:10]) - EPOCH).days
    except ValueError:
        return -1
