"""Where the values of corpus rules wait for ``finalize``: in memory, or on disk for large corpora.

A corpus rule sees ``collected`` as a sequence of (ArticleRef, value) in article
order either way. For a large input the pairs are pickled into one temporary
file, one record per article holding the values of every corpus rule (so a
sketch shared by several rules is stored once), and only their offsets stay in
memory: a million articles then cost a few megabytes until ``finalize`` reads
what it needs. A rule that wants bounded memory iterates or indexes the
sequence instead of copying it into lists.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from array import array
from collections.abc import Sequence
from typing import Any, Iterator

from ._model import ArticleRef

#: Inputs larger than this keep the collected values on disk.
SPILL_BYTES = 256 * 1024 * 1024


class CorpusStore:
    """The collected values of one run, for every corpus rule."""

    def __init__(self, on_disk: bool) -> None:
        self.memory: list[tuple[ArticleRef, dict[str, Any]]] = []
        self.offsets = array("Q")
        self.file = tempfile.TemporaryFile(prefix="newslint-corpus-") if on_disk else None
        self.indices: dict[str, array] = {}  # rule code -> the articles that have a value for it
        self._cached: tuple[int, Any] = (-1, None)

    def __len__(self) -> int:
        return len(self.offsets) if self.file is not None else len(self.memory)

    def add(self, ref: ArticleRef, values: dict[str, Any]) -> None:
        if not values:
            return
        position = len(self)
        for code in values:
            self.indices.setdefault(code, array("L")).append(position)
        if self.file is None:
            self.memory.append((ref, values))
            return
        self.file.seek(0, os.SEEK_END)
        self.offsets.append(self.file.tell())
        pickle.dump((ref, values), self.file, protocol=pickle.HIGHEST_PROTOCOL)

    def record(self, position: int) -> tuple[ArticleRef, dict[str, Any]]:
        if self.file is None:
            return self.memory[position]
        if self._cached[0] == position:
            return self._cached[1]
        self.file.seek(self.offsets[position])
        value = pickle.load(self.file)
        self._cached = (position, value)
        return value

    def values_of(self, code: str) -> "Collected":
        """The (ArticleRef, value) pairs of one rule, as the sequence its ``finalize`` receives."""
        return Collected(self, code, self.indices.get(code, array("L")))

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


class Collected(Sequence):
    """One corpus rule's (ArticleRef, value) pairs, in article order, read on demand."""

    def __init__(self, store: CorpusStore, code: str, positions: array) -> None:
        self.store = store
        self.code = code
        self.positions = positions

    def __len__(self) -> int:
        return len(self.positions)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        ref, values = self.store.record(self.positions[index])
        return ref, values[self.code]

    def __iter__(self) -> Iterator[tuple[ArticleRef, Any]]:
        for position in self.positions:
            ref, values = self.store.record(position)
            yield ref, values[self.code]


def make_store(total_bytes: int) -> CorpusStore:
    """A store on disk when the input is larger than SPILL_BYTES, else in memory."""
    return CorpusStore(total_bytes > SPILL_BYTES)
