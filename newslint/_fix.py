"""Applying fixes: choose non-overlapping edits, splice them in, write files back atomically.

Only the text inside an edit's span changes; every other character, line
endings included, is copied through. A JSONL file is rewritten record by
record, and a record without a fix is copied byte for byte.
"""

from __future__ import annotations

import difflib
import gzip
import json
import os
import tempfile
from pathlib import Path
from typing import Callable, Iterable, Optional

from ._model import Applicability, Article, Edit, Finding

#: ruff stops after 100 rounds too: a rule whose fix keeps re-triggering must not loop forever.
MAX_ROUNDS = 100


def allowed(unsafe: bool) -> set[Applicability]:
    return {Applicability.SAFE, Applicability.UNSAFE} if unsafe else {Applicability.SAFE}


def choose_edits(findings: Iterable[Finding], applicabilities: set[Applicability]) -> tuple[list[Edit], int]:
    """The edits of the fixes to apply, none overlapping another; and how many fixes they are."""
    chosen: list[Edit] = []
    taken: list[tuple[int, int]] = []
    count = 0
    for finding in findings:
        fix = finding.fix
        if fix is None or fix.applicability not in applicabilities or not fix.edits:
            continue
        spans = [(e.start, e.end) for e in fix.edits]
        if any(_overlaps(span, other) for span in spans for other in taken):
            continue  # the next round applies it, once the text has settled
        taken.extend(spans)
        chosen.extend(fix.edits)
        count += 1
    return chosen, count


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    if a[0] < b[1] and b[0] < a[1]:
        return True
    # An insertion at the other edit's edge, or two at one point, would leave their order to chance.
    return (a[0] == a[1] and b[0] <= a[0] <= b[1]) or (b[0] == b[1] and a[0] <= b[0] <= a[1])


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with the non-overlapping ``edits`` applied."""
    out: list[str] = []
    position = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        out.append(text[position:edit.start])
        out.append(edit.content)
        position = edit.end
    out.append(text[position:])
    return "".join(out)


def fix_article(article: Article, check: Callable[[Article], list[Finding]],
                applicabilities: set[Applicability]) -> tuple[Article, list[Finding], int]:
    """Fix, re-check and repeat until nothing more applies: (fixed article, remaining findings, fixes applied)."""
    fixed = 0
    findings = check(article)
    for _ in range(MAX_ROUNDS):
        edits, count = choose_edits(findings, applicabilities)
        if not count:
            break
        article = article.with_text(apply_edits(article.text, edits))
        fixed += count
        findings = check(article)
    return article, findings, fixed


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and a rename, keeping the file's permissions."""
    mode = os.stat(path).st_mode
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def read_text_file(path: Path) -> tuple[str, bool]:
    """Decoded content and whether it had a UTF-8 byte-order mark."""
    data = path.read_bytes()
    bom = data.startswith(b"\xef\xbb\xbf")
    return data[3 if bom else 0:].decode("utf-8"), bom


def fixed_text_file(path: Path, fixed: dict[Optional[int], Article],
                    originals: dict[Optional[int], str]) -> tuple[str, str, bool]:
    """(old, new) content of a plain text or Markdown file with its one article fixed, and whether it had a BOM."""
    content, bom = read_text_file(path)
    article = fixed[None]
    old_text = originals[None]
    start = article.text_offset
    if content[start:start + len(old_text)] != old_text:
        raise OSError(f"{path} changed while newslint was checking it; not written")
    return content, content[:start] + article.text + content[start + len(old_text):], bom


def reencode_record(raw: bytes, text: str, text_field: str) -> bytes:
    """A JSONL record line with its text field replaced, in the record's own JSON style."""
    body = raw.rstrip(b"\r\n")
    ending = raw[len(body):]
    data = json.loads(body)
    data[text_field] = text
    # Keep the record's own style: escaped or literal non-ASCII, compact or spaced separators.
    ascii_only = b"\\u" in body and body.isascii()
    compact = b'": ' not in body and b", " not in body
    separators = (",", ":") if compact else (", ", ": ")
    return json.dumps(data, ensure_ascii=ascii_only, separators=separators).encode("utf-8") + ending


def write_fixed(path: Path, fixed: dict[Optional[int], Article], originals: dict[Optional[int], str],
                text_field: str, diff_only: bool) -> Optional[str]:
    """Write a fixed file, or with ``diff_only`` return its unified diff and write nothing."""
    if None in fixed:
        old_content, new_content, bom = fixed_text_file(path, fixed, originals)
        if diff_only:
            return unified_diff(str(path), old_content.splitlines(keepends=True),
                                new_content.splitlines(keepends=True))
        write_atomic(path, (b"\xef\xbb\xbf" if bom else b"") + new_content.encode("utf-8"))
        return None
    return rewrite_jsonl(path, fixed, text_field, diff_only)


def rewrite_jsonl(path: Path, fixed: dict[Optional[int], Article], text_field: str, diff_only: bool) -> Optional[str]:
    """Stream a JSONL file to a temporary copy with the fixed records re-encoded, then rename it into place.

    Every other record is copied byte for byte. With ``diff_only`` nothing is
    written and the diff has one hunk per changed record.
    """
    gz = path.name.endswith(".gz")
    opener = gzip.open if gz else open
    hunks: list[str] = []
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as raw_out, opener(path, "rb") as source:
            out = gzip.GzipFile(fileobj=raw_out, mode="wb") if gz else raw_out
            for number, line in enumerate(source, 1):
                article = fixed.get(number)
                if article is not None:
                    new = reencode_record(line, article.text, text_field)
                    if diff_only:
                        hunks.append(f"@@ -{number} +{number} @@\n-{line.decode('utf-8', 'replace').rstrip()}\n"
                                     f"+{new.decode('utf-8').rstrip()}\n")
                    line = new
                if not diff_only:
                    out.write(line)
            if gz:
                out.close()
        if diff_only:
            os.unlink(temporary)
            return f"--- a/{path}\n+++ b/{path}\n" + "".join(hunks) if hunks else None
        os.chmod(temporary, os.stat(path).st_mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return None


def unified_diff(name: str, old: list[str], new: list[str]) -> str:
    return "".join(difflib.unified_diff(old, new, fromfile=f"a/{name}", tofile=f"b/{name}"))
