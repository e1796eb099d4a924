"""The ads pipeline in chunks: reading ads, then linking them into networks.

Reading (`read_chunk`) validates each row, reads its text (hidden phones, e-mails, handles,
prices, ages, cities), scores it with the ads indicator pack and signs it (MinHash). It is
the part that scales with processes: a chunk of rows goes in, and a `ReadChunk` comes out,
compact (a few lists and numpy arrays) so that sending it back from a worker process costs
little. Linking (`NetworkBuilder`, in `ctip.networks.linking`) takes the chunks in posting
order. The benchmark runs exactly these functions, and `ctip networks build` links with the
same `NetworkBuilder` and `Signer` over the stored ads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from ctip.networks.ads import read_ad, validate_ad
from ctip.networks.extract import fold
from ctip.networks.linking import Signatures, Signer, identifier_tag


@dataclass(frozen=True)
class ReadChunk:
    """What reading a chunk of ads gives linking, one entry per ad in the chunk's order."""

    keys: list[str]
    """`site/ad_id`."""
    tags: list[list[str]]
    """Each ad's identifiers, stated or found in its text, as sorted `identifier_tag`s."""
    scores: np.ndarray
    """Each ad's indicator score (float32)."""
    signatures: Signatures

    def __len__(self) -> int:
        return len(self.keys)


@cache
def _signer() -> Signer:
    """One signer per process: its permutations are made once."""
    return Signer()


def read_chunk(rows: Sequence[dict[str, Any]]) -> ReadChunk:
    """Validate, read, score and sign a chunk of rows (ValueError on the first bad row)."""
    keys, tags, scores, folded = [], [], [], []
    for row in rows:
        ad = validate_ad(row)
        text = fold(ad.text)
        read = read_ad(ad, text)
        keys.append(ad.key)
        tags.append(sorted(identifier_tag(kind, value) for kind, value in read.identifiers()))
        scores.append(read.score.score)
        folded.append(text)
    signatures = _signer().sign_folded(folded)
    return ReadChunk(keys, tags, np.asarray(scores, dtype=np.float32), signatures)
