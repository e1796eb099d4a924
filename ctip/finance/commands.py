"""The `ctip finance` commands: load bank records, scan, write FLAGS.csv, show an account,
draft a SAR narrative. Thin adapters over `ctip.finance` services (the API and the pages
call the same ones)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from ctip.commands.common import cli_actor, errors, fail, progress_bar, store_session
from ctip.finance import ftm, loading, readers, sar, service
from ctip.finance.detect import Pattern

app = typer.Typer(
    help="Illicit finance: bank records, typologies, red flags.", no_args_is_help=True
)
console = Console()


def _files(
    fmt: str, source: Path | None, accounts: Path | None, transactions: Path | None
) -> tuple[dict[str, bytes], str]:
    if fmt == "amlsim":
        if source is None or not source.is_dir():
            raise fail("--format amlsim needs the AMLSim output folder (DIR)")
        found = readers.amlsim_files(source)
        return {name: path.read_bytes() for name, path in found.items()}, source.name
    if fmt in ("amlworld", "ftm"):
        path = source or transactions
        if path is None or not path.is_file():
            raise fail(f"--format {fmt} needs the file")
        return {path.name: path.read_bytes()}, path.name
    if transactions is None:
        raise fail("--format csv needs --transactions T.csv (and optionally --accounts A.csv)")
    files = {"transactions": transactions.read_bytes()}
    if accounts is not None:
        files["accounts"] = accounts.read_bytes()
    return files, transactions.name


def _reader(
    fmt: str, files: dict[str, bytes], label: str, names: dict[str, str]
) -> readers.BankRecords:
    if fmt == "amlsim":
        return readers.read_amlsim(files)
    if fmt == "amlworld":
        return readers.read_amlworld(files[label], label)
    if fmt == "ftm":
        return ftm.read_ftm(files[label], label)
    return readers.read_csv(
        files.get("accounts"),
        names.get("accounts", "accounts.csv"),
        files["transactions"],
        names["transactions"],
    )


@app.command("load")
def load(
    source: Annotated[
        Path | None, typer.Argument(help="AMLSim folder, AMLworld file or FtM JSON lines")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv, amlsim, amlworld or ftm")] = "csv",
    accounts: Annotated[Path | None, typer.Option(help="accounts CSV (--format csv)")] = None,
    transactions: Annotated[
        Path | None, typer.Option(help="transactions CSV (--format csv)")
    ] = None,
) -> None:
    """Load bank records: validated whole, stored all or nothing, once."""
    if fmt not in readers.FORMATS:
        raise fail(f"format {fmt!r}: choose one of {', '.join(readers.FORMATS)}")
    files, label = _files(fmt, source, accounts, transactions)
    names = {
        "accounts": accounts.name if accounts else "",
        "transactions": transactions.name if transactions else "",
    }
    with store_session() as session, progress_bar() as bar:
        task = bar.add_task(f"loading {label}", total=None)
        outcome = loading.load_records(
            session,
            files,
            f"{fmt}:{label}",
            lambda: _reader(fmt, files, label, names),
            cli_actor(),
            lambda n: bar.advance(task, n),
        )
    if outcome.already_loaded:
        console.print(f"{label} was already loaded: nothing changed")
        return
    console.print(
        f"loaded {label}: {outcome.accounts} accounts ({outcome.accounts_new} new), "
        f"{outcome.transactions} transactions"
    )
    for note in outcome.notes[:20]:
        errors.print(f"kept as given: {escape(str(note))}", highlight=False)
    if len(outcome.notes) > 20:
        errors.print(f"... and {len(outcome.notes) - 20} more unreadable values kept")


@app.command("scan")
def scan(engine: Annotated[str, typer.Option(help="local or spark")] = "local") -> None:
    """Find typologies and red flags in every stored payment and score every account."""
    if engine not in service.ENGINES:
        raise fail(f"engine {engine!r}: choose one of {', '.join(service.ENGINES)}")
    with store_session() as session, progress_bar() as bar:
        task = bar.add_task(f"scanning ({engine})", total=service.SCAN_STAGES)
        outcome = service.scan(
            session, cli_actor(), progress=lambda n: bar.advance(task, n), engine=engine
        )
    console.print(
        f"scan {outcome.scan_id}: {outcome.transactions} transactions, {outcome.accounts} "
        f"accounts, {outcome.flagged} flagged, {outcome.patterns} patterns"
    )


@app.command("flag")
def flag(
    out: Annotated[Path | None, typer.Option(help="FLAGS.csv to write (stdout if none)")] = None,
) -> None:
    """One row per account with any payment: account_id, score, flagged, typologies,
    red_flags, explanation."""
    with store_session() as session, progress_bar() as bar:
        task = bar.add_task("writing FLAGS.csv", total=service.flags_total(session))

        def advance(rows: int) -> None:
            bar.advance(task, rows)

        if out is None:
            service.flags_csv(session, sys.stdout, advance)
            return
        with out.open("w", encoding="utf-8", newline="") as handle:
            count = service.flags_csv(session, handle, advance)
    errors.print(f"wrote {count} accounts to {out}")


def _print_pattern(found: Pattern, role: str) -> None:
    console.print(f"  [bold]{found.kind}[/] {found.id} as {role}: {escape(found.sentence())}")


@app.command("show")
def show(account: str) -> None:
    """An account: its score, why, its patterns and its payments."""
    with store_session() as session:
        view = service.account_view(session, account, cli_actor())
        rows = [
            (t.tx_id, t.step, t.source, t.target, t.amount, t.channel) for t in view.transactions
        ]
    holder = view.account.holder_name if view.account else ""
    console.print(f"[bold]{escape(account)}[/] {escape(holder)}")
    if view.explanation is None:
        console.print("not scanned yet")
    else:
        console.print(escape(view.explanation.summary()))
        for sentence in view.explanation.sentences():
            console.print(f"  - {escape(sentence)}")
    for found, role in view.patterns:
        _print_pattern(found, role)
    console.print(f"{len(rows)} payment(s):")
    for tx_id, step, source, target, amount, channel in rows[:50]:
        console.print(f"  {tx_id} step {step}: {source} -> {target} {amount} {channel}")


@app.command("sar")
def sar_draft(
    account: str,
    out: Annotated[
        Path | None, typer.Option(help="write .txt or .pdf (stdout text if none)")
    ] = None,
) -> None:
    """Draft a SAR narrative (five Ws, key term HUMAN TRAFFICKING FIN-2020-A008), marked DRAFT."""
    with store_session() as session:
        narrative = sar.draft(service.account_view(session, account, cli_actor()))
    if out is None:
        sys.stdout.write(narrative.text())
    elif out.suffix.lower() == ".pdf":
        out.write_bytes(sar.pdf_bytes(narrative))
    else:
        out.write_text(narrative.text(), encoding="utf-8")


@app.command("export")
def export(out: Annotated[Path, typer.Option(help="FtM JSON lines to write")]) -> None:
    """Every stored account (with its holder) and payment as FtM entities."""
    with store_session() as session:
        lines = ftm.export_lines(
            service.stored_accounts(session), service.stored_transactions(session)
        )
        with out.open("w", encoding="utf-8") as handle:
            count = sum(1 for line in lines if handle.write(line + "\n"))
    errors.print(f"wrote {count} entities to {out}")
