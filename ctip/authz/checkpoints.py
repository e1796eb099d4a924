"""Signed checkpoints of the audit chain, kept outside the database.

Whoever can write the database can delete the newest audit rows and move the head back to
match, or recompute the hashes of every row that was not keyed. A checkpoint is what such a
rewrite cannot match: the head's sequence number and hash and the row count at a moment,
signed with the audit key (HMAC-SHA256) and appended to a file the database does not hold.
`ctip audit verify` compares the chain with every checkpoint; a checkpointed row that is gone
or has another hash is a rewrite, and a checkpoint line whose signature fails is a forgery.

One JSON object per line; lines are appended under an exclusive lock, so processes that
checkpoint at the same time never interleave a line. The file should live where the
database's writers cannot change it (another volume or host, or an append-only file).
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

APPEND = "append"
"""Written every N appends by the process that made the row."""
VERIFY = "verify"
"""Written after a verification found the chain intact up to `seq`."""
DEFAULT_FOLDER = Path("var")


@dataclass(frozen=True)
class Checkpoint:
    """The chain's head at one moment: row `seq` had `hash`, the log held `rows` rows."""

    seq: int
    hash: str
    rows: int
    at: str
    by: str
    kind: str
    keyed_from: int | None = None
    """The first row written with the key, as far as the writer knew: no plain row after it."""

    def signature(self, key: bytes) -> str:
        """HMAC-SHA256 of every field, so no field can change without the key."""
        payload = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
        return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class CheckpointBook:
    """What a checkpoint file holds: the well-signed checkpoints by sequence number, and the
    numbers of the lines that are not (edited or forged lines)."""

    path: Path
    checkpoints: tuple[Checkpoint, ...] = ()
    bad_lines: tuple[int, ...] = ()

    @property
    def latest(self) -> Checkpoint | None:
        """The checkpoint furthest along the chain."""
        return self.checkpoints[-1] if self.checkpoints else None

    @property
    def keyed_after(self) -> int | None:
        """The last row that may be plain: every checkpoint was written by code that keys
        each row, so rows after the first checkpoint, or from the first keyed row a
        checkpoint names, must be keyed."""
        limits = [c.seq if c.keyed_from is None else c.keyed_from - 1 for c in self.checkpoints]
        return min(limits) if limits else None

    def last_verified(self) -> Checkpoint | None:
        """The furthest point a verification found intact, where the next one may start."""
        verified = [c for c in self.checkpoints if c.kind == VERIFY]
        return verified[-1] if verified else None

    def at_seq(self) -> dict[int, Checkpoint]:
        """Checkpoints by the row they name (the last written wins; they must agree anyway)."""
        return {c.seq: c for c in self.checkpoints}


def default_path(database_url: str) -> Path:
    """Beside the SQLite file (`var/ctip.sqlite3` -> `var/ctip.audit-checkpoints.jsonl`), or
    under `var/` named after the server database; set CTIP_AUDIT_CHECKPOINT_FILE to keep it
    somewhere the database's writers cannot reach."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        database = Path(url.database)
        return database.with_name(f"{database.stem}.audit-checkpoints.jsonl")
    name = f"{url.get_backend_name()}-{url.host or 'local'}-{url.database or 'memory'}"
    return DEFAULT_FOLDER / f"audit-checkpoints-{name}.jsonl"


def append(path: Path, checkpoint: Checkpoint, key: bytes) -> None:
    """Add one signed line and make it durable before returning."""
    line = json.dumps({**asdict(checkpoint), "sig": checkpoint.signature(key)}, sort_keys=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            handle.write(line + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read(path: Path, key: bytes) -> CheckpointBook:
    """Every checkpoint in the file; a missing file is an empty book (none written yet)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return CheckpointBook(path)
    good: list[Checkpoint] = []
    bad: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        checkpoint = _parse(line, key)
        if checkpoint is None:
            bad.append(number)
        else:
            good.append(checkpoint)
    good.sort(key=lambda c: (c.seq, c.kind == VERIFY))
    return CheckpointBook(path, tuple(good), tuple(bad))


def _parse(line: str, key: bytes) -> Checkpoint | None:
    """One line as a checkpoint, or None when it is not JSON or its signature fails."""
    try:
        fields = json.loads(line)
        signature = fields.pop("sig")
        checkpoint = Checkpoint(**fields)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    if not isinstance(signature, str):
        return None
    if not hmac.compare_digest(signature, checkpoint.signature(key)):
        return None
    return checkpoint
