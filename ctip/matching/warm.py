"""Warm screening: name data loaded once per process, one saved index per list edition.

Screening used to pay twice on every call: rigour's name tables (seconds on first use) and
a candidate index rebuilt from every entry of the list (minutes for 100,000 entries). Here
a process loads the name data once (`warm_up`, called at server start), and an edition's
index is built once, saved beside the store keyed by the edition's identity and content
hash, and then opened by memory-mapping in milliseconds by the CLI, every API worker and
the workbench alike; the process keeps the indexes it opened.

`IndexedEntries` is a list edition's entries carrying their index: passed where entries are
expected, screening uses the index instead of building one, and the entries themselves are
decoded only as hits need them.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from enum import StrEnum
from pathlib import Path
from typing import overload

from sqlalchemy.orm import Session

from ctip.matching import frozen, names
from ctip.matching.index import CandidateIndex, Progress
from ctip.matching.types import ListEntry

LOG = logging.getLogger(__name__)
KEPT_INDEXES = 8  # indexes a process keeps open (each maps its arrays; memory is shared)
INDEX_DIR_ENV = "CTIP_INDEX_DIR"
BUILDING = ".building"
"""Where a large list's (key, entry) pairs are sorted while its index is built: inside the
index folder, so the arrays built there are linked into the saved index, not copied."""
_warm = threading.Event()
_lock = threading.Lock()
_open: OrderedDict[str, CandidateIndex] = OrderedDict()
_building: dict[str, threading.Lock] = {}


class Warmth(StrEnum):
    """Where a process stands: never asked to warm (a test, a one-off command), warming,
    or warm (name data loaded and every list in effect has its index open)."""

    COLD = "cold"
    WARMING = "warming"
    WARM = "warm"


SessionFactory = Callable[[], AbstractContextManager[Session]]
Preload = Callable[[SessionFactory], None]
_preloads: list[Preload] = []
_state = {"warmth": Warmth.COLD}


def add_preload(preload: Preload) -> None:
    """Something to open while warming (the lists area adds: every list's index)."""
    if preload not in _preloads:
        _preloads.append(preload)


def warm_up(sessions: SessionFactory | None = None, *, freeze: bool = False) -> None:
    """Warm this process now: rigour's name data, then each preload (saved indexes opened,
    missing ones built and saved). A failing preload is logged; the name data still counts.

    A server passes `freeze`: what is alive once it is warm (name data, the app, open
    indexes) stays for the life of the process, so it is moved out of the garbage
    collector's sight (`gc.freeze`). Otherwise every full collection walks those millions
    of objects again, and whichever request is running waits for it (one worker, eight
    clients: p99 297 ms before, 138 ms frozen)."""
    _state["warmth"] = Warmth.WARMING
    names.load_name_data()
    if sessions is not None:
        for preload in list(_preloads):
            try:
                preload(sessions)
            except Exception:  # a broken list must not keep the server from ever being ready
                LOG.exception("warming: preload %s failed", getattr(preload, "__name__", preload))
    if freeze:
        gc.collect()
        gc.freeze()
    _state["warmth"] = Warmth.WARM
    _warm.set()


def start_warming(
    sessions: SessionFactory | None = None, *, freeze: bool = False
) -> threading.Thread:
    """Warm in a background thread (the server calls this at start); until it is done,
    `warmth()` says WARMING and the health check answers 503."""
    _state["warmth"] = Warmth.WARMING
    thread = threading.Thread(
        target=warm_up,
        args=(sessions,),
        kwargs={"freeze": freeze},
        name="ctip-warm-up",
        daemon=True,
    )
    thread.start()
    return thread


def warmth() -> Warmth:
    """This process's warmth (COLD when nothing asked it to warm)."""
    return _state["warmth"]


def is_warm() -> bool:
    """Whether this process has finished warming."""
    return _warm.is_set()


def mark_cold() -> None:
    """Forget warmth and open indexes (tests; a process that must reload)."""
    _warm.clear()
    _state["warmth"] = Warmth.COLD
    with _lock:
        _open.clear()


def index_dir(database_url: str) -> Path:
    """Where saved indexes live: `CTIP_INDEX_DIR`, else beside a SQLite store's file, else
    in the user's cache under a name derived from the database (never its password)."""
    configured = os.environ.get(INDEX_DIR_ENV)
    if configured:
        return Path(configured)
    if database_url.startswith("sqlite:///") and ":memory:" not in database_url:
        store = Path(database_url.removeprefix("sqlite:///"))
        return store.with_name(store.name + ".indexes")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    digest = hashlib.sha256(database_url.encode()).hexdigest()[:16]
    return cache / "ctip" / "indexes" / digest


def edition_key(list_name: str, edition: str, edition_id: int, content_sha256: str) -> str:
    """A name for one edition's index: changes whenever the edition or the format does."""
    text = f"{list_name}\n{edition}\n{edition_id}\n{content_sha256}\n{frozen.FORMAT}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def index_for(
    key: str,
    directory: Path | None,
    entries: Callable[[], Sequence[ListEntry]],
    *,
    warm_names: bool = True,
    progress: Progress | None = None,
) -> CandidateIndex:
    """The edition's index: kept in this process, else opened from disk, else built from
    `entries()` and saved (when a directory is given). One build per key at a time.

    A list load builds with `warm_names=False` (it screens nothing, so it need not load
    rigour's name data) and a `progress` callback for its progress bar."""
    with _lock:
        found = _open.get(key)
        if found is not None:
            _open.move_to_end(key)
            return found
        building = _building.setdefault(key, threading.Lock())
    with building:
        with _lock:
            found = _open.get(key)
        if found is None:
            found = _open_or_build(key, directory, entries, warm_names, progress)
        with _lock:
            _open[key] = found
            _open.move_to_end(key)
            while len(_open) > KEPT_INDEXES:
                _open.popitem(last=False)
        return found


def _open_or_build(
    key: str,
    directory: Path | None,
    entries: Callable[[], Sequence[ListEntry]],
    warm_names: bool = True,
    progress: Progress | None = None,
) -> CandidateIndex:
    saved = directory / key if directory is not None else None
    spill = directory / BUILDING if directory is not None else None
    if saved is not None and frozen.is_saved(saved):
        # a build killed earlier left its spilled pairs (gigabytes at 1M); a build cleans up
        # by itself, an open of the saved index does it here
        frozen.remove_stale_builds(saved.parent / BUILDING, frozen.SPILL_PREFIX)
        return CandidateIndex.open(saved)
    index = CandidateIndex(entries(), warm_names=warm_names, progress=progress, spill_dir=spill)
    if saved is None:
        return index
    try:
        index.save(saved)
    except OSError as error:  # a read-only store still screens, from memory
        LOG.warning("screening index not saved in %s: %s", saved, error)
        return index
    return CandidateIndex.open(saved)


class IndexedEntries(Sequence[ListEntry]):
    """A list edition's entries with their warm index (entries decoded as they are read)."""

    def __init__(self, index: CandidateIndex) -> None:
        self.warm_index = index

    def __len__(self) -> int:
        return len(self.warm_index.entries)

    @overload
    def __getitem__(self, position: int) -> ListEntry: ...

    @overload
    def __getitem__(self, position: slice) -> Sequence[ListEntry]: ...

    def __getitem__(self, position: int | slice) -> ListEntry | Sequence[ListEntry]:
        return self.warm_index.entries[position]

    def __iter__(self) -> Iterator[ListEntry]:
        return iter(self.warm_index.entries)


def index_of(entries: Sequence[ListEntry] | CandidateIndex) -> CandidateIndex:
    """The index to screen with: the one entries carry, or one built for them now."""
    if isinstance(entries, CandidateIndex):
        return entries
    if isinstance(entries, IndexedEntries):
        return entries.warm_index
    return CandidateIndex(entries)
