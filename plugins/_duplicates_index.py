"""The on-disk index of article sketches, for ``newslint check --index DIR``.

An index is a folder::

    DIR/manifest.json       format, sketch version, thresholds it was built with,
                            and per shard: file name, articles, size, SHA-256;
                            the manifest carries the SHA-256 of its own body
    DIR/shard-000000.sqlite one SQLite database per shard, written once, never changed
    DIR/verified.json       shard stamps (size, mtime) whose SHA-256 was last checked

Each shard holds up to ``shard_size`` articles: their references and sketches
(one BLOB each, with a CRC-32 checked whenever it is read) and the postings
fingerprint -> article as a ``WITHOUT ROWID`` B-tree, so one article is checked
against a million with a few dozen index probes per shard. Fingerprints found
in more than ``max_df`` articles of a shard are not posted (stock phrases and
boilerplate) and are listed instead, so a query ignores them everywhere.
``add`` writes new shards and rewrites the manifest atomically; old shards are
immutable, so their checksums stay valid.

Integrity: opening checks the manifest's own checksum, every shard's size (a
truncated file), and the full SHA-256 of every shard whose size or
modification time differs from its last verified stamp (a copied or modified
index is re-hashed once). SQLite errors and a bad record CRC while querying
raise :class:`IndexError_`. Nothing is used silently.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import struct
import tempfile
import zlib
from array import array
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, Sequence

from ._duplicates_sketch import SKETCH_VERSION, Sketch, u32

FORMAT = "newslint-duplicates-index"
FORMAT_VERSION = 2
MANIFEST = "manifest.json"
STAMPS = "verified.json"
DEFAULT_SHARD_SIZE = 100_000
_HEADER = struct.Struct("<qIIIIIIIIB")
_SCHEMA = """
CREATE TABLE articles (
    id INTEGER PRIMARY KEY, path TEXT NOT NULL, abspath TEXT NOT NULL, record INTEGER,
    article_id TEXT, first_line INTEGER NOT NULL, date REAL, key INTEGER NOT NULL,
    fingerprints INTEGER NOT NULL, sketch BLOB NOT NULL, crc INTEGER NOT NULL);
CREATE INDEX articles_key ON articles(key);
CREATE INDEX articles_path ON articles(path, record);
CREATE TABLE postings (fp INTEGER NOT NULL, article INTEGER NOT NULL,
    PRIMARY KEY (fp, article)) WITHOUT ROWID;
CREATE TABLE frequent (fp INTEGER PRIMARY KEY);
"""


class IndexError_(Exception):
    """A missing, truncated, corrupt or incompatible index (the plugin turns it into a UsageError)."""


@dataclass(frozen=True)
class Entry:
    """One indexed article: where it is and its sketch."""

    path: str
    record: Optional[int]
    article_id: Optional[str]
    first_line: int
    date: Optional[float]
    sketch: Sketch
    abspath: str = ""


def dump_sketch(s: Sketch) -> bytes:
    return _HEADER.pack(s.key, s.tokens, len(s.grams), len(s.fingerprints), len(s.line_starts),
                        len(s.line_numbers), len(s.figures), len(s.figure_tokens), len(s.dates), s.weekdays) + \
        s.grams + s.fingerprints + s.line_starts + s.line_numbers + s.figures + s.figure_tokens + s.dates


def load_sketch(blob: bytes) -> Sketch:
    key, tokens, *sizes, weekdays = _HEADER.unpack_from(blob)
    parts = []
    offset = _HEADER.size
    for size in sizes:
        parts.append(bytes(blob[offset:offset + size]))
        offset += size
    if offset != len(blob):
        raise ValueError("sketch length mismatch")
    *parts, dates = parts
    return Sketch(key, tokens, *parts, weekdays, dates)


def _record_crc(path: str, blob: bytes) -> int:
    return zlib.crc32(blob, zlib.crc32(path.encode("utf-8")))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _manifest_digest(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()


def _write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            json.dump(data, stream, indent=1, sort_keys=True)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# -- writing ------------------------------------------------------------------------------

class IndexWriter:
    """Writes entries into new shards of an index (a new index, or ``add`` to one)."""

    def __init__(self, directory: Path, *, settings: Optional[dict[str, Any]] = None,
                 shard_size: int = DEFAULT_SHARD_SIZE, max_df: int = 100, append: bool = False) -> None:
        self.directory = Path(directory)
        self.shard_size = shard_size
        self.max_df = max_df
        self.pending: list[Entry] = []
        self.written = 0
        if append:
            self.manifest = read_manifest(self.directory)
            self.shard_size = self.manifest.get("shard_size", shard_size)
            self.max_df = self.manifest.get("max_df", max_df)
        else:
            self.directory.mkdir(parents=True, exist_ok=True)
            if (self.directory / MANIFEST).exists():
                raise IndexError_(f"{self.directory}: an index exists already (use `newslint index add`)")
            self.manifest = {"format": FORMAT, "version": FORMAT_VERSION, "sketch_version": SKETCH_VERSION,
                             "shard_size": shard_size, "max_df": max_df, "settings": settings or {},
                             "shards": []}
        self.stamps = _read_stamps(self.directory)

    def add(self, entry: Entry) -> None:
        self.pending.append(entry)
        if len(self.pending) >= self.shard_size:
            self._flush()

    def close(self) -> dict[str, Any]:
        """Write what is pending and the manifest; returns the manifest."""
        if self.pending or not self.manifest["shards"]:
            self._flush()
        body = {k: v for k, v in self.manifest.items() if k != "checksum"}
        self.manifest = dict(body, checksum=_manifest_digest(body))
        _write_json_atomic(self.directory / MANIFEST, self.manifest)
        _write_json_atomic(self.directory / STAMPS, self.stamps)
        return self.manifest

    def _flush(self) -> None:
        entries, self.pending = self.pending, []
        taken = {s["file"] for s in self.manifest["shards"]}
        number = len(self.manifest["shards"])
        while f"shard-{number:06d}.sqlite" in taken:
            number += 1
        name = f"shard-{number:06d}.sqlite"
        path = self.directory / name
        tmp = path.with_suffix(".tmp")
        if tmp.exists():
            tmp.unlink()
        _write_shard(tmp, entries, self.max_df)
        os.replace(tmp, path)
        stat = path.stat()
        digest = _sha256(path)
        self.manifest["shards"].append({"file": name, "articles": len(entries), "bytes": stat.st_size,
                                        "sha256": digest})
        self.stamps[name] = [stat.st_size, stat.st_mtime_ns, digest]
        self.written += len(entries)


def _write_shard(path: Path, entries: Sequence[Entry], max_df: int) -> None:
    db = sqlite3.connect(path)
    try:
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA page_size=8192;")
        db.executescript(_SCHEMA)
        rows = []
        for i, e in enumerate(entries):
            blob = dump_sketch(e.sketch)
            rows.append((i, e.path, e.abspath or os.path.abspath(e.path), e.record, e.article_id,
                         e.first_line, e.date, e.sketch.key, len(e.sketch.fingerprints) // 4, blob,
                         _record_crc(e.path, blob)))
        db.executemany("INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
        del rows
        # Postings sorted by (fp, article): packed into one 64-bit int each, sorted in C.
        packed = array("Q")
        for i, e in enumerate(entries):
            fps = u32(e.sketch.fingerprints)
            if fps:
                packed.extend([(fp << 32) | i for fp in fps])
        ordered = sorted(packed)
        del packed
        df = Counter(v >> 32 for v in ordered)
        frequent = sorted(fp for fp, n in df.items() if n > max_df)
        del df
        stop = set(frequent)
        db.executemany("INSERT INTO postings VALUES (?,?)",
                       ((v >> 32, v & 0xFFFFFFFF) for v in ordered if (v >> 32) not in stop))
        db.executemany("INSERT INTO frequent VALUES (?)", ((fp,) for fp in frequent))
        db.commit()
        db.execute("PRAGMA journal_mode=DELETE")
    finally:
        db.close()


# -- reading ------------------------------------------------------------------------------

def read_manifest(directory: Path) -> dict[str, Any]:
    path = Path(directory) / MANIFEST
    if not Path(directory).is_dir():
        raise IndexError_(f"{directory}: no such index folder")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexError_(f"{directory}: not a newslint index (no {MANIFEST}; build one with `newslint index build`)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise IndexError_(f"{path}: unreadable or corrupt manifest ({error})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise IndexError_(f"{path}: not a newslint duplicates index")
    body = {k: v for k, v in data.items() if k != "checksum"}
    if data.get("checksum") != _manifest_digest(body):
        raise IndexError_(f"{path}: manifest checksum mismatch (the file was edited or is corrupt); rebuild the index")
    if data.get("version") != FORMAT_VERSION:
        raise IndexError_(f"{path}: index format {data.get('version')} is not supported (expected {FORMAT_VERSION}); rebuild it")
    if data.get("sketch_version") != SKETCH_VERSION:
        raise IndexError_(f"{path}: built by another newslint version (sketch version {data.get('sketch_version')}, "
                          f"this one writes {SKETCH_VERSION}); rebuild it with `newslint index build`")
    return data


def _read_stamps(directory: Path) -> dict[str, list]:
    try:
        data = json.loads((Path(directory) / STAMPS).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def verify(directory: Path, full: bool = False) -> dict[str, Any]:
    """Check the manifest and every shard; raise :class:`IndexError_` on any problem.

    A shard is re-hashed when ``full`` is true or when its size or modification
    time differs from its last verified stamp.
    """
    directory = Path(directory)
    manifest = read_manifest(directory)
    stamps = _read_stamps(directory)
    changed = False
    for shard in manifest["shards"]:
        path = directory / shard["file"]
        try:
            stat = path.stat()
        except OSError:
            raise IndexError_(f"{path}: shard missing") from None
        if stat.st_size != shard["bytes"]:
            raise IndexError_(f"{path}: shard is {stat.st_size} bytes, the manifest says {shard['bytes']} "
                              f"(truncated or replaced); rebuild the index")
        stamp = stamps.get(shard["file"])
        if full or stamp != [stat.st_size, stat.st_mtime_ns, shard["sha256"]]:
            if _sha256(path) != shard["sha256"]:
                raise IndexError_(f"{path}: shard checksum mismatch (corrupt); rebuild the index")
            stamps[shard["file"]] = [stat.st_size, stat.st_mtime_ns, shard["sha256"]]
            changed = True
    if changed:
        try:
            _write_json_atomic(directory / STAMPS, stamps)
        except OSError:
            pass  # a read-only index is verified again next time
    return manifest


class Index:
    """A verified index opened for queries."""

    def __init__(self, directory: Path, *, full_verify: bool = False) -> None:
        self.directory = Path(directory)
        self.manifest = verify(self.directory, full_verify)
        self.max_df = int(self.manifest.get("max_df", 100))
        self._dbs: Optional[list[sqlite3.Connection]] = None

    @property
    def articles(self) -> int:
        return sum(s["articles"] for s in self.manifest["shards"])

    @property
    def dbs(self) -> list[sqlite3.Connection]:
        if self._dbs is None:
            dbs = []
            for shard in self.manifest["shards"]:
                uri = (self.directory / shard["file"]).resolve().as_uri() + "?mode=ro&immutable=1"
                try:
                    dbs.append(sqlite3.connect(uri, uri=True, check_same_thread=False))
                except sqlite3.Error as error:
                    raise IndexError_(f"{shard['file']}: cannot open shard: {error}") from None
            self._dbs = dbs
        return self._dbs

    def close(self) -> None:
        for db in self._dbs or []:
            db.close()
        self._dbs = None

    def _run(self, shard: int, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        try:
            return self.dbs[shard].execute(sql, params).fetchall()
        except sqlite3.Error as error:
            raise IndexError_(f"{self.directory / self.manifest['shards'][shard]['file']}: "
                              f"corrupt shard ({error}); rebuild the index") from None

    def candidates(self, sketch: Sketch, max_df: Optional[int] = None) -> list[tuple[int, int]]:
        """(shard, id) of indexed articles that may repeat ``sketch``: the same exact key, or
        shared fingerprints (each in at most ``max_df`` indexed articles)."""
        max_df = self.max_df if max_df is None else max_df
        fps = list(u32(sketch.fingerprints))
        found: set[tuple[int, int]] = set()
        for shard in range(len(self.dbs)):
            for (article,) in self._run(shard, "SELECT id FROM articles WHERE key = ?", (sketch.key,)):
                found.add((shard, article))
        if not fps:
            return sorted(found)
        marks = ",".join("?" * len(fps))
        stopped: set[int] = set()
        hits: list[tuple[int, int, int]] = []
        for shard in range(len(self.dbs)):
            stopped.update(fp for (fp,) in self._run(shard, f"SELECT fp FROM frequent WHERE fp IN ({marks})", fps))
            hits.extend((fp, shard, a) for fp, a in self._run(
                shard, f"SELECT fp, article FROM postings WHERE fp IN ({marks})", fps))
        df = Counter(fp for fp, _, _ in hits)
        shared: Counter = Counter((shard, a) for fp, shard, a in hits if fp not in stopped and df[fp] <= max_df)
        need = min(2, len(fps))
        found.update(ref for ref, n in shared.items() if n >= need or n >= 1 and self._few_fps(ref))
        return sorted(found)

    def _few_fps(self, ref: tuple[int, int]) -> bool:
        rows = self._run(ref[0], "SELECT fingerprints FROM articles WHERE id = ?", (ref[1],))
        return bool(rows) and rows[0][0] < 2

    def entries(self, refs: Iterable[tuple[int, int]]) -> Iterator[tuple[tuple[int, int], Entry]]:
        """The stored entries, each record's CRC checked."""
        by_shard: dict[int, list[int]] = {}
        for shard, article in refs:
            by_shard.setdefault(shard, []).append(article)
        for shard, ids in sorted(by_shard.items()):
            marks = ",".join("?" * len(ids))
            rows = self._run(shard, "SELECT id, path, abspath, record, article_id, first_line, date, sketch, crc "
                                    f"FROM articles WHERE id IN ({marks})", ids)
            for i, path, abspath, record, article_id, first_line, date, blob, crc in rows:
                if _record_crc(path, blob) != crc:
                    raise IndexError_(f"{self.directory / self.manifest['shards'][shard]['file']}: "
                                      f"record {i} fails its checksum (corrupt); rebuild the index")
                try:
                    sketch = load_sketch(blob)
                except (ValueError, struct.error):
                    raise IndexError_(f"{self.directory}: record {i} of shard {shard} is malformed; "
                                      "rebuild the index") from None
                yield (shard, i), Entry(path, record, article_id, first_line, date, sketch, abspath)

    def superseded(self, shard: int, path: str, record: Optional[int]) -> bool:
        """Whether a later shard holds a newer version of this article (``index add`` again)."""
        for later in range(shard + 1, len(self.dbs)):
            if self._run(later, "SELECT 1 FROM articles WHERE path = ? AND record IS ? LIMIT 1", (path, record)):
                return True
        return False

    def __iter__(self) -> Iterator[Entry]:
        for shard in range(len(self.dbs)):
            ids = [i for (i,) in self._run(shard, "SELECT id FROM articles ORDER BY id")]
            for _, entry in self.entries((shard, i) for i in ids):
                yield entry
