"""Build folders of the screening index: a build that dies leaves its folder to the next
build, which removes it, while a folder a live process is still building in is kept; a build
that fails removes its own; a large build holds few files open."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from ctip.matching import frozen

ROOT = Path(__file__).resolve().parents[2]
Grouped = tuple[frozen.Hashes, npt.NDArray[np.int64], frozen.Posting]
MAX_POSTINGS = 50

# A process that makes a build folder (or starts a spilling build), says where, and waits.
OWNER = textwrap.dedent(
    """
    import os
    import sys
    from pathlib import Path
    from ctip.matching import frozen

    parent, how = Path(sys.argv[1]), sys.argv[2]
    if how == "spill":
        frozen.HASH_CHUNK, frozen.SPILL_PAIRS = 100, 10

        def keys():
            for number in range(10_000):
                if number == 1_000:
                    mine = f"pid {os.getpid()} "
                    (folder,) = (
                        p for p in parent.glob(frozen.SPILL_PREFIX + "*")
                        if (p / frozen.OWNER_FILE).read_text().startswith(mine)
                    )
                    print(folder, flush=True)
                    sys.stdin.readline()
                yield [f"w:k{number % 97}", f"p:{number}"]

        frozen.build_postings(keys(), 50, parent)
    else:
        folder = frozen.BuildFolder(parent, how)
        (folder.path / "bucket-000").write_bytes(b"pairs")
        print(folder.path, flush=True)
        sys.stdin.readline()
    """
)


class Owner:
    """Another process holding a build folder until it is killed."""

    def __init__(self, parent: Path, how: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", OWNER, str(parent), how],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.folder = Path(self.process.stdout.readline().strip())
        assert self.folder.is_dir(), "the owner process did not make its folder"

    def kill(self) -> None:
        """SIGKILL: no finally, no finaliser runs, as when a build runs out of memory."""
        self.process.kill()
        self.process.wait(timeout=30)


@pytest.fixture
def owners() -> Iterator[list[Owner]]:
    started: list[Owner] = []
    yield started
    for owner in started:
        owner.kill()


def spilled_keys(entries: int) -> Iterator[list[str]]:
    for number in range(entries):
        yield [f"w:k{number % 97}", f"p:{number % 1_000}", f"n:{number}"]


@pytest.fixture
def spilling(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(frozen, "HASH_CHUNK", 1_000)
    monkeypatch.setattr(frozen, "SPILL_PAIRS", 2_000)


def builds_in(parent: Path) -> list[Path]:
    return sorted(p for p in parent.iterdir() if p.name.startswith(frozen.SPILL_PREFIX))


def test_a_dead_builds_folder_is_removed_and_a_live_ones_kept(
    tmp_path: Path, owners: list[Owner]
) -> None:
    dead, live = Owner(tmp_path, frozen.SPILL_PREFIX), Owner(tmp_path, frozen.SPILL_PREFIX)
    owners += [dead, live]
    dead.kill()
    assert dead.folder.is_dir()  # nothing of the killed build cleaned up after it
    assert frozen.remove_stale_builds(tmp_path, frozen.SPILL_PREFIX) == [dead.folder]
    assert not dead.folder.exists()
    assert (live.folder / "bucket-000").read_bytes() == b"pairs"
    live.kill()
    assert frozen.remove_stale_builds(tmp_path, frozen.SPILL_PREFIX) == [live.folder]


def test_this_processs_own_build_folder_is_kept_until_released(tmp_path: Path) -> None:
    folder = frozen.BuildFolder(tmp_path, frozen.SPILL_PREFIX)
    assert frozen.remove_stale_builds(tmp_path, frozen.SPILL_PREFIX) == []
    assert folder.path.is_dir()
    assert (folder.path / frozen.OWNER_FILE).read_text().startswith(f"pid {os.getpid()} ")
    folder.release()
    folder.release()  # a second release does nothing
    assert not folder.path.exists()


def test_unmarked_folders_are_removed_only_once_untouched_for_the_grace(tmp_path: Path) -> None:
    earlier = tmp_path / f"{frozen.SPILL_PREFIX}earlier"  # made before folders were marked
    earlier.mkdir()
    (earlier / "bucket-001.hashes").write_bytes(b"12345678")
    marking = tmp_path / f"{frozen.SPILL_PREFIX}marking"  # made, its owner not locked yet
    marking.mkdir()
    (marking / frozen.OWNER_FILE).touch()
    stray = tmp_path / f"{frozen.SPILL_PREFIX}file"  # not a folder: never touched
    stray.write_text("x")
    other = tmp_path / "not-a-build"
    other.mkdir()
    assert frozen.remove_stale_builds(tmp_path, frozen.SPILL_PREFIX) == []
    old = time.time() - frozen.UNMARKED_GRACE - 60
    for path in (earlier, *earlier.iterdir(), marking, *marking.iterdir(), other):
        os.utime(path, (old, old))
    os.utime(earlier / "bucket-001.hashes")  # still being written to
    assert frozen.remove_stale_builds(tmp_path, frozen.SPILL_PREFIX) == [marking]
    os.utime(earlier / "bucket-001.hashes", (old, old))
    assert frozen.remove_stale_builds(tmp_path, frozen.SPILL_PREFIX) == [earlier]
    assert stray.is_file() and other.is_dir()


def test_a_later_build_removes_a_killed_builds_spilled_pairs(
    tmp_path: Path, owners: list[Owner]
) -> None:
    killed, running = Owner(tmp_path, "spill"), Owner(tmp_path, "spill")
    owners += [killed, running]
    killed.kill()
    assert list(killed.folder.glob("bucket-*"))  # the killed build's pairs are still there
    frozen.build_postings(spilled_keys(50), MAX_POSTINGS, tmp_path)
    assert builds_in(tmp_path) == [running.folder]  # the running build's folder is kept


@pytest.mark.usefixtures("spilling")
def test_a_later_spilling_build_in_the_temporary_folder_removes_a_killed_ones(
    tmp_path: Path, owners: list[Owner], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    killed = Owner(tmp_path, frozen.SPILL_PREFIX)
    owners.append(killed)
    killed.kill()
    postings = frozen.build_postings(spilled_keys(3_000), MAX_POSTINGS)
    assert postings.files is not None and postings.files.parent == tmp_path
    assert builds_in(tmp_path) == [postings.files]


@pytest.mark.usefixtures("spilling")
@pytest.mark.parametrize("failure", [RuntimeError, KeyboardInterrupt])
def test_a_build_that_raises_midway_removes_its_spilled_pairs(
    tmp_path: Path, failure: type[BaseException]
) -> None:
    def keys() -> Iterator[list[str]]:
        yield from spilled_keys(3_000)
        assert len(builds_in(tmp_path)) == 1  # spilling has begun
        raise failure("interrupted")

    with pytest.raises(failure):
        frozen.build_postings(keys(), MAX_POSTINGS, tmp_path)
    assert builds_in(tmp_path) == []


@pytest.mark.usefixtures("spilling")
def test_a_build_that_fails_while_merging_removes_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    grouped = frozen._grouped
    calls: list[int] = []

    def failing(pairs: frozen.Pairs, max_postings: int) -> Grouped:
        calls.append(1)
        if len(calls) == 100:
            raise OSError(28, "No space left on device")
        return grouped(pairs, max_postings)

    monkeypatch.setattr(frozen, "_grouped", failing)
    with pytest.raises(OSError, match="No space left"):
        frozen.build_postings(spilled_keys(3_000), MAX_POSTINGS, tmp_path)
    assert builds_in(tmp_path) == []


def test_a_save_that_fails_midway_leaves_no_folder_and_no_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    postings = frozen.build_postings(spilled_keys(200), MAX_POSTINGS)

    def full_disk(work: Path, entries: object) -> None:
        (work / "entries.jsonl").write_bytes(b"{")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(frozen, "_write_entries", full_disk)
    with pytest.raises(OSError, match="No space left"):
        frozen.save(tmp_path / "index", [], postings)
    assert list(tmp_path.iterdir()) == []


def test_a_save_removes_a_killed_saves_folder_and_keeps_a_live_ones(
    tmp_path: Path, owners: list[Owner]
) -> None:
    killed, live = Owner(tmp_path, frozen.SAVE_PREFIX), Owner(tmp_path, frozen.SAVE_PREFIX)
    owners += [killed, live]
    killed.kill()
    frozen.save(tmp_path / "index", [], frozen.build_postings([], MAX_POSTINGS))
    assert sorted(tmp_path.iterdir()) == sorted([live.folder, tmp_path / "index"])
    assert frozen.is_saved(tmp_path / "index")
    assert not (tmp_path / "index" / frozen.OWNER_FILE).exists()


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts /proc/self/fd")
def test_a_spilling_build_holds_few_files_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(frozen, "HASH_CHUNK", 2_000)
    monkeypatch.setattr(frozen, "SPILL_PAIRS", 2_000)
    opened: list[int] = []

    def keys() -> Iterator[list[str]]:
        for number, entry_keys in enumerate(spilled_keys(20_000)):
            if number % 500 == 0:
                opened.append(len(os.listdir("/proc/self/fd")))
            yield entry_keys

    before = len(os.listdir("/proc/self/fd"))
    postings = frozen.build_postings(keys(), MAX_POSTINGS, tmp_path)
    assert postings.files is not None and len(opened) == 40
    assert max(opened) - before <= 2  # the folder's owner lock: no bucket stays open
    assert np.asarray(postings.get("n:19999")).tolist() == [19_999]
