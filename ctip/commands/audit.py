"""`ctip audit verify`: check the keyed, hash-chained audit log against its checkpoints."""

from __future__ import annotations

from typing import Annotated

import typer

from ctip.authz import audit
from ctip.commands.common import cli_actor, console, fail, store_session

app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)

FullOption = Annotated[
    bool,
    typer.Option("--full", help="walk every row, not only those after the last verified one"),
]


@app.command("verify")
def audit_verify(full: FullOption = False) -> None:
    """Check the keyed chain against the signed checkpoints outside the database, from the
    last verified checkpoint on (--full: from the first row); exit 1 and name the first bad
    row if it was tampered with. The verification is recorded in the log, and an intact
    chain is checkpointed so the next one starts there."""
    with store_session() as session:
        report = audit.run_verification(session, cli_actor(), full=full)
    if not report.ok:
        where = f" at row {report.first_bad_seq}" if report.first_bad_seq else ""
        raise fail(
            f"audit log broken{where}: {report.problem} "
            f"({report.rows_checked} rows before it are intact)"
        )
    resumed = (
        f", {report.rows_walked} walked after row {report.from_seq}" if report.from_seq else ""
    )
    console.print(f"audit log intact: {report.rows_checked} rows{resumed}")
