"""Readers for plain text, Markdown with front matter, and JSONL corpora (gzipped too).

Every problem with a file or a record becomes a ReadError (reported as NL001)
naming the file and, for JSONL, the record; the other files and records are
still read. JSONL files are streamed record by record, so a corpus of
millions of articles never sits in memory.
"""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path
from typing import Any, Iterator, Optional, Union

from newslint import Article, ReadError, hookimpl

BINARY_SNIFF = 8192
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson")
MARKDOWN_SUFFIXES = (".md", ".markdown")

Item = Union[Article, ReadError]


@hookimpl
def newslint_addoption(parser):
    parser.addoption("text-field", table="jsonl", default="text", cli=True,
                     help="JSONL field that holds an article's text (default: text)")
    parser.addoption("id-field", table="jsonl", default="id", cli=True,
                     help="JSONL field that holds an article's id (default: id)")
    parser.addoption("ignore-field", table="jsonl", default="newslint-ignore", cli=True,
                     help="JSONL field listing rule selectors to ignore for that record")


@hookimpl(trylast=True)
def newslint_read_path(path: Path, config) -> Optional[Iterator[Item]]:
    name = path.name.lower()
    if name.endswith(JSONL_SUFFIXES):
        return read_jsonl(path, config.table("jsonl"))
    if name.endswith(MARKDOWN_SUFFIXES):
        return read_markdown(path)
    return read_text(path)


def decode(data: bytes, path: str, record: Optional[int] = None) -> Union[str, ReadError]:
    """UTF-8 text, or a ReadError giving the byte offset of the first bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1 if record is None else 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        where = f"record {record}: " if record else ""
        return ReadError(path, f"{where}invalid UTF-8 at byte offset {error.start} "
                               f"(byte 0x{data[error.start]:02x})", line, column, record)
    return text[1:] if text.startswith("\ufeff") else text


def read_file(path: Path) -> Union[str, ReadError]:
    """The decoded content of a text file, or why it cannot be read."""
    shown = str(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        return ReadError(shown, "is a directory")
    except FileNotFoundError:
        return ReadError(shown, "no such file or directory")
    except PermissionError:
        return ReadError(shown, "permission denied")
    except OSError as error:
        return ReadError(shown, f"cannot read: {error.strerror or error}")
    if not data.strip():
        return ReadError(shown, "file is empty")
    if b"\x00" in data[:BINARY_SNIFF]:
        return ReadError(shown, "binary file (contains NUL bytes); not news text")
    return decode(data, shown)


def read_text(path: Path) -> Iterator[Item]:
    content = read_file(path)
    if isinstance(content, ReadError):
        yield content
        return
    yield Article(str(path), content, writer="text")


def split_front_matter(content: str) -> tuple[dict[str, Any], str, int]:
    """(metadata, the front matter's raw text, its line count) of a Markdown file.

    Only the flat ``key: value`` subset of YAML that articles use is read
    (strings, numbers, ``[a, b]`` lists); newslint adds no YAML dependency for it.
    """
    first = content.split("\n", 1)[0].rstrip("\r")
    if first not in ("---", "+++"):
        return {}, "", 0
    lines = content.splitlines(keepends=True)
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r\n") in (first, "...") and (first == "---" or lines[index].startswith("+++")):
            raw = "".join(lines[:index + 1])
            meta = {}
            separator = "=" if first == "+++" else ":"
            for line in lines[1:index]:
                key, sep, value = line.partition(separator)
                if sep and key.strip() and not key.startswith((" ", "\t", "#")):
                    meta[key.strip()] = _scalar(value.strip())
            return meta, raw, index + 1
    return {}, "", 0


def _scalar(value: str) -> Any:
    if value.startswith("[") and value.endswith("]"):
        return [_scalar(v.strip()) for v in value[1:-1].split(",") if v.strip()]
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def ignores_from(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return ()


def read_markdown(path: Path) -> Iterator[Item]:
    content = read_file(path)
    if isinstance(content, ReadError):
        yield content
        return
    meta, raw, count = split_front_matter(content)
    yield Article(str(path), content[len(raw):], meta=meta, first_line=count + 1, text_offset=len(raw),
                  ignores=ignores_from(meta.get("newslint-ignore")), writer="text")


def read_jsonl(path: Path, options: dict[str, Any]) -> Iterator[Item]:
    shown = str(path)
    text_field = options.get("text-field", "text")
    id_field = options.get("id-field", "id")
    ignore_field = options.get("ignore-field", "newslint-ignore")
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        stream = opener(path, "rb")
        empty = True
        with stream:
            for number, raw in enumerate(stream, 1):
                if not raw.strip():
                    continue
                empty = False
                yield parse_record(shown, number, raw, text_field, id_field, ignore_field)
    except FileNotFoundError:
        yield ReadError(shown, "no such file or directory")
        return
    except PermissionError:
        yield ReadError(shown, "permission denied")
        return
    except (OSError, EOFError, zlib.error) as error:
        yield ReadError(shown, f"cannot read: {error}")
        return
    if empty:
        yield ReadError(shown, "file is empty")


def parse_record(path: str, number: int, raw: bytes, text_field: str, id_field: str,
                 ignore_field: str) -> Item:
    text = decode(raw, path, number)
    if isinstance(text, ReadError):
        return text
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return ReadError(path, f"record {number}: invalid JSON: {error.msg} (column {error.colno})",
                         1, error.colno, number)
    if not isinstance(data, dict):
        return ReadError(path, f"record {number}: not a JSON object", record=number)
    if text_field not in data:
        return ReadError(path, f"record {number}: no {text_field!r} field", record=number)
    body = data.pop(text_field)
    if not isinstance(body, str):
        return ReadError(path, f"record {number}: field {text_field!r} is {type(body).__name__}, "
                               "not a string", record=number)
    article_id = data.get(id_field)
    return Article(path, body, meta=data, record=number,
                   article_id=None if article_id is None else str(article_id),
                   ignores=ignores_from(data.get(ignore_field)), writer="jsonl")
