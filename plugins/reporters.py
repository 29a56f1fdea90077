"""Output formats: text, full, json, jsonl, sarif, github, junit, and --statistics.

The ``json`` format is a contract other tools parse: an array of finding
objects with exactly the keys in ``FINDING_KEYS``. Only ``--metrics`` adds
objects of another shape (``{"type": "metrics", ...}``), and only when asked.
"""

from __future__ import annotations

import json
from array import array
import linecache
import os
import statistics
from pathlib import Path
from typing import Any, Mapping, Sequence
from xml.etree import ElementTree

from newslint import ArticleRef, Finding, Reporter, Rule, RunSummary, __version__, hookimpl

FINDING_KEYS = ("path", "line", "column", "end_line", "end_column", "code", "name", "message",
                "severity", "fix", "related", "record", "article_id")


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    fix = None
    if finding.fix is not None:
        fix = {"applicability": finding.fix.applicability.value, "message": finding.fix.message,
               "edits": [edit.to_dict() for edit in finding.fix.edits]}
    return {"path": finding.path, "line": finding.line, "column": finding.column,
            "end_line": finding.end_line, "end_column": finding.end_column, "code": finding.code,
            "name": finding.name, "message": finding.message, "severity": finding.severity,
            "fix": fix, "related": [loc.to_dict() for loc in finding.related],
            "record": finding.record, "article_id": finding.article_id}


def metrics_to_dict(ref: ArticleRef, metrics: Mapping[str, float]) -> dict[str, Any]:
    return {"type": "metrics", "path": ref.path, "record": ref.record, "article_id": ref.article_id,
            "metrics": dict(metrics)}


def use_colour(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def where(finding: Finding) -> str:
    """``path:line:col``; for a JSONL record ``path:record:line:col`` (line and column in its text)."""
    if finding.record is not None:
        return f"{finding.path}:{finding.record}:{finding.line}:{finding.column}"
    return f"{finding.path}:{finding.line}:{finding.column}"


class TextReporter(Reporter):
    """``path:line:col: CODE [*] message``, one per line, then a summary; ``[*]`` marks a fix."""

    def start(self, rules: Sequence[Rule]) -> None:
        self.colour = use_colour(self.stream)

    def paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.colour else text

    def add(self, finding: Finding) -> None:
        mark = " [*]" if finding.fix is not None and finding.fix.applicability.value == "safe" else ""
        self.stream.write(f"{self.paint(where(finding), '1')}: {self.paint(finding.code, '1;31')}"
                          f"{mark} {finding.message}\n")

    def finish(self, summary: RunSummary) -> None:
        if self.config.get("quiet"):
            return
        remaining = summary.findings
        if summary.fixed:
            total = remaining + summary.fixed
            done = "would be fixed by --fix" if self.config.get("diff") else "fixed"
            self.stream.write(f"Found {total} finding{'s' if total != 1 else ''} ({summary.fixed} {done}, "
                              f"{remaining} remaining).\n")
        elif remaining:
            fixable = f" ({summary.fixable} fixable with --fix or --unsafe-fixes)" if summary.fixable else ""
            self.stream.write(f"Found {remaining} finding{'s' if remaining != 1 else ''}{fixable}.\n")
        else:
            self.stream.write(f"All checks passed ({summary.articles} articles in {summary.files} files).\n")


class FullReporter(TextReporter):
    """The text format with the source line and a caret under the finding."""

    def add(self, finding: Finding) -> None:
        super().add(finding)
        if finding.record is not None or not Path(finding.path).is_file():
            return
        source = linecache.getline(finding.path, finding.line).rstrip("\r\n")
        if not source:
            return
        width = max(1, (finding.end_column if finding.end_line == finding.line else len(source) + 1) - finding.column)
        shown = source if len(source) <= 200 else source[max(0, finding.column - 60):finding.column + 140]
        offset = finding.column - 1 if len(source) <= 200 else min(59, finding.column - 1)
        self.stream.write(f"    {shown}\n    {' ' * offset}{'^' * min(width, 140)}\n")


class JsonReporter(Reporter):
    """A JSON array of finding objects, written as findings arrive."""

    def start(self, rules: Sequence[Rule]) -> None:
        self.first = True
        self.stream.write("[")

    def _item(self, data: dict[str, Any]) -> None:
        self.stream.write(("\n  " if self.first else ",\n  ") + json.dumps(data, ensure_ascii=False))
        self.first = False

    def add(self, finding: Finding) -> None:
        self._item(finding_to_dict(finding))

    def add_article(self, ref: ArticleRef, metrics: Mapping[str, float]) -> None:
        if self.config.get("metrics"):
            self._item(metrics_to_dict(ref, metrics))

    def finish(self, summary: RunSummary) -> None:
        self.stream.write("\n]\n" if not self.first else "]\n")


class JsonLinesReporter(JsonReporter):
    """One JSON finding object per line, streamed."""

    def start(self, rules: Sequence[Rule]) -> None:
        pass

    def _item(self, data: dict[str, Any]) -> None:
        self.stream.write(json.dumps(data, ensure_ascii=False) + "\n")

    def finish(self, summary: RunSummary) -> None:
        self.stream.flush()


SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def sarif_location(path: str, line: int, column: int, end_line: int, end_column: int) -> dict[str, Any]:
    region = {"startLine": max(1, line), "startColumn": max(1, column)}
    if (end_line, end_column) > (line, column):
        region.update(endLine=end_line, endColumn=end_column)
    return {"physicalLocation": {"artifactLocation": {"uri": Path(path).as_posix()}, "region": region}}


class SarifReporter(Reporter):
    """SARIF 2.1.0, as GitHub code scanning accepts it; JSONL findings point at their record's line."""

    def start(self, rules: Sequence[Rule]) -> None:
        self.rules = list(rules)
        self.index = {r.code: i for i, r in enumerate(self.rules)}
        self.results: list[dict[str, Any]] = []

    def add(self, finding: Finding) -> None:
        if finding.record is not None:
            location = sarif_location(finding.path, finding.record, 1, finding.record, 1)
            message = f"{finding.message} (text {finding.line}:{finding.column})"
        else:
            location = sarif_location(finding.path, finding.line, finding.column,
                                      finding.end_line, finding.end_column)
            message = finding.message
        result: dict[str, Any] = {"ruleId": finding.code, "level": SARIF_LEVEL.get(finding.severity, "warning"),
                                  "message": {"text": message}, "locations": [location]}
        if finding.code in self.index:
            result["ruleIndex"] = self.index[finding.code]
        if finding.related:
            result["relatedLocations"] = [
                dict(sarif_location(loc.path, loc.record or loc.line, loc.column if loc.record is None else 1,
                                    loc.record or loc.line, loc.column if loc.record is None else 1), id=i)
                for i, loc in enumerate(finding.related)]
        self.results.append(result)

    def finish(self, summary: RunSummary) -> None:
        rules = [{"id": r.code, "name": r.name, "shortDescription": {"text": r.summary},
                  "fullDescription": {"text": (type(r).__doc__ or r.summary).strip()},
                  "defaultConfiguration": {"level": SARIF_LEVEL.get(r.severity, "warning")}}
                 for r in self.rules]
        log = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
               "runs": [{"tool": {"driver": {"name": "newslint", "version": __version__,
                                             "informationUri": "https://pypi.org/project/newslint/",
                                             "rules": rules}},
                         "results": self.results}]}
        json.dump(log, self.stream, ensure_ascii=False, indent=2)
        self.stream.write("\n")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    """GitHub Actions workflow commands: one annotation per finding."""

    LEVEL = {"error": "error", "warning": "warning", "info": "notice"}

    def add(self, finding: Finding) -> None:
        line = finding.record if finding.record is not None else finding.line
        props = [f"file={_escape_property(finding.path)}", f"line={line}"]
        if finding.record is None:
            props += [f"col={finding.column}", f"endLine={finding.end_line}", f"endColumn={finding.end_column}"]
        props.append(f"title={_escape_property(f'{finding.code} {finding.name}')}")
        self.stream.write(f"::{self.LEVEL.get(finding.severity, 'warning')} {','.join(props)}::"
                          f"{_escape_data(f'{finding.code} {finding.message}')}\n")


class JunitReporter(Reporter):
    """JUnit XML: one test suite per file, one failing test case per finding."""

    def start(self, rules: Sequence[Rule]) -> None:
        self.by_path: dict[str, list[Finding]] = {}

    def add(self, finding: Finding) -> None:
        self.by_path.setdefault(finding.path, []).append(finding)

    def finish(self, summary: RunSummary) -> None:
        root = ElementTree.Element("testsuites", name="newslint", tests=str(max(1, summary.findings)),
                                   failures=str(summary.findings))
        if not self.by_path:
            suite = ElementTree.SubElement(root, "testsuite", name="newslint", tests="1", failures="0")
            ElementTree.SubElement(suite, "testcase", name="newslint", classname="newslint")
        for path, findings in self.by_path.items():
            suite = ElementTree.SubElement(root, "testsuite", name=path, tests=str(len(findings)),
                                           failures=str(len(findings)))
            for f in findings:
                case = ElementTree.SubElement(suite, "testcase", name=f"{f.code} {where(f)}", classname=path)
                failure = ElementTree.SubElement(case, "failure", message=f.message, type=f.code)
                failure.text = f"{where(f)}: {f.code} {f.message}"
        self.stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.stream.write(ElementTree.tostring(root, encoding="unicode"))
        self.stream.write("\n")


def percentile(sorted_values: list[float], share: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(share * (len(sorted_values) - 1))))
    return sorted_values[index]


class StatisticsReporter(Reporter):
    """Counts per rule and, where rules measured articles, a summary of each metric."""

    def start(self, rules: Sequence[Rule]) -> None:
        self.rules = {r.code: r for r in rules}
        self.fixable: dict[str, bool] = {}
        self.metrics: dict[str, array] = {}  # compact: a million articles cost 8 MB a metric

    def add(self, finding: Finding) -> None:
        if finding.fix is not None:
            self.fixable[finding.code] = True

    def add_article(self, ref: ArticleRef, metrics: Mapping[str, float]) -> None:
        for name, value in metrics.items():
            self.metrics.setdefault(name, array("d")).append(float(value))

    def finish(self, summary: RunSummary) -> None:
        out = self.stream
        for code, count in sorted(summary.by_code.items(), key=lambda kv: (-kv[1], kv[0])):
            rule = self.rules.get(code)
            mark = "[*]" if self.fixable.get(code) else "   "
            out.write(f"{count:>8}  {code}  {mark} {rule.name if rule else ''}\n")
        if self.metrics:
            out.write(f"\n{'metric':<28}{'count':>9}{'mean':>11}{'p10':>10}{'p50':>10}{'p90':>10}{'p99':>10}\n")
            for name, column in sorted(self.metrics.items()):
                values = sorted(column)
                out.write(f"{name:<28}{len(values):>9}{statistics.fmean(values):>11.3f}"
                          + "".join(f"{percentile(values, q):>10.3f}" for q in (0.1, 0.5, 0.9, 0.99)) + "\n")
        out.write(f"\n{summary.findings} findings in {summary.articles} articles ({summary.files} files).\n")


@hookimpl
def newslint_register_formats(register):
    register("text", TextReporter)
    register("full", FullReporter)
    register("json", JsonReporter)
    register("jsonl", JsonLinesReporter)
    register("sarif", SarifReporter)
    register("github", GithubReporter)
    register("junit", JunitReporter)
    register("statistics", StatisticsReporter)
