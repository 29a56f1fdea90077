"""The plugin API from the outside: the example plugin installed from its own package, and newslint.testing.

The example plugin is installed into a throwaway virtual environment, never
into the one running the tests. That environment sees newslint and its
dependencies from the running one, and pip builds and installs the plugin
offline (--no-index, --no-build-isolation, with the setuptools virtualenv seeds).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from newslint import Edit, Fix, Location, Rule, hookimpl
from newslint.testing import RunResult, fix_text, lint_corpus, lint_text, run_cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "newslint-example-plugin"
ARTICLE = ("The court published its 90-page ruling on Tuesday. To read the full ruling, click here.\n"
           "Lawyers for the city said they would appeal.\n")


def offline_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1",
               PYTHONNOUSERSITE="1", VIRTUALENV_NO_PERIODIC_UPDATE="1", **extra)
    return env


def make_venv(where: Path, app_data: Path) -> Path:
    """A virtual environment that sees this environment's packages; returns its python."""
    pytest.importorskip("virtualenv", reason="virtualenv (a pre-commit dependency) builds the test venv")
    # virtualenv seeds pip and a setuptools new enough to build wheels without the network
    # (VIRTUALENV_SETUPTOOLS: on Python 3.12+ it no longer seeds setuptools by default).
    env = offline_env(VIRTUALENV_OVERRIDE_APP_DATA=str(app_data), VIRTUALENV_SETUPTOOLS="bundle")
    subprocess.run([sys.executable, "-m", "virtualenv", "--quiet", "--system-site-packages", str(where)],
                   check=True, env=env, capture_output=True)
    python = where / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if sys.prefix != sys.base_prefix:
        # --system-site-packages means the *base* interpreter's packages; when the tests
        # run from a venv, add that venv's site-packages (and its .pth files: editable
        # installs) after the new environment's own.
        site_dir = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  check=True, capture_output=True, text=True, env=env).stdout.strip()
        outer = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
        lines = [f"import site; site.addsitedir({d!r})" for d in sorted(outer)]
        Path(site_dir, "_newslint_outer_env.pth").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return python


@pytest.fixture(scope="module")
def plugin_env(tmp_path_factory):
    """(python, source): a venv with the example plugin installed from a copy of its source."""
    base = tmp_path_factory.mktemp("plugin-env")
    python = make_venv(base / "venv", base / "app-data")
    # Build from a copy: an in-tree build would leave build/ and *.egg-info in examples/.
    source = base / "newslint-example-plugin"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                              "--no-build-isolation", str(source)],
                             env=offline_env(), capture_output=True, text=True)
    assert install.returncode == 0, install.stderr
    return python, source


def newslint(plugin_env, *argv: str, cwd: Path) -> subprocess.CompletedProcess:
    python, _ = plugin_env
    return subprocess.run([str(python), "-m", "newslint", *argv], cwd=cwd, env=offline_env(),
                          capture_output=True, text=True, timeout=60)


def test_installed_plugin_is_listed_with_distribution_and_version(plugin_env, tmp_path):
    result = newslint(plugin_env, "plugins", "--isolated", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    row = next(i for i, line in enumerate(lines) if line.split()[:1] == ["example"])
    name, dist, version, module = lines[row].split()
    assert (dist.replace("_", "-"), version, module) == ("newslint-example-plugin", "0.1.0",
                                                         "newslint_example_plugin")
    assert lines[row + 1].split() == ["rules:", "EX101"]
    assert "NL002" not in result.stdout


def test_installed_plugin_reports_through_the_cli(plugin_env, tmp_path):
    (tmp_path / "ruling.txt").write_text(ARTICLE, encoding="utf-8")
    result = newslint(plugin_env, "check", "--isolated", "--format", "json", "--select", "EX101", ".",
                      cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    (finding,) = json.loads(result.stdout)
    assert (finding["path"], finding["line"], finding["column"], finding["end_column"]) == ("ruling.txt", 1, 77, 87)
    assert (finding["code"], finding["name"]) == ("EX101", "dangling-link-text")
    assert finding["fix"]["applicability"] == "unsafe"

    text = newslint(plugin_env, "check", "--isolated", "--select", "EX101", "ruling.txt", cwd=tmp_path)
    # No [*]: like ruff, the text format marks only fixes that --fix applies, and this one is unsafe.
    assert text.stdout.splitlines()[0] == "ruling.txt:1:77: EX101 'click here' refers to a link the text no longer has"


def test_installed_plugin_options_fixes_and_docs(plugin_env, tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.newslint]\nselect = ["EX"]\n[tool.newslint.example]\nextend-phrases = ["watch it here"]\n',
        encoding="utf-8")
    (tmp_path / "storm.md").write_text("---\ntitle: Storm\n---\nThe storm reached the coast at dawn. "
                                       "Watch it here.\n", encoding="utf-8")
    found = newslint(plugin_env, "check", "--format", "json", "storm.md", cwd=tmp_path)
    assert [(f["line"], f["column"]) for f in json.loads(found.stdout)] == [(4, 38)]

    fixed = newslint(plugin_env, "check", "--fix", "--unsafe-fixes", "storm.md", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert (tmp_path / "storm.md").read_text(encoding="utf-8") == \
        "---\ntitle: Storm\n---\nThe storm reached the coast at dawn.\n"

    unknown = newslint(plugin_env, "check", "--config", "pyproject.toml", "storm.md", cwd=tmp_path)
    assert unknown.returncode == 0
    (tmp_path / "pyproject.toml").write_text('[tool.newslint.example]\nextend-phrase = ["x"]\n', encoding="utf-8")
    typo = newslint(plugin_env, "check", "storm.md", cwd=tmp_path)
    assert typo.returncode == 2 and "extend-phrases" in typo.stderr  # the suggestion names the real key

    doc = newslint(plugin_env, "rule", "EX101", "--isolated", cwd=tmp_path)
    assert doc.returncode == 0
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Fix safety"):
        assert section in doc.stdout


def test_example_plugin_own_test_suite_passes(plugin_env):
    python, source = plugin_env
    pytest.importorskip("pytest")
    result = subprocess.run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", str(source / "tests")],
                            cwd=source, env=offline_env(), capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout


# -- newslint.testing ------------------------------------------------------------


class Shouting(Rule):
    """## What it does
    Flags a word of five or more capitals.

    ## Why is this bad?
    A test rule.

    ## Example
    `BREAKING news`

    ## Fix safety
    Safe here: it lowercases the word, then the re-check finds nothing.
    """

    code = "TPA001"
    name = "shouting"
    summary = "A shouted word"
    fix_availability = "always"

    def check_line(self, line, article):
        for word in line.text.split():
            if len(word) >= 5 and word.isupper():
                start = line.start + line.text.index(word)
                yield self.finding(article, start, start + len(word), f"shouted {word}",
                                   fix=Fix.safe(Edit(start, start + len(word), word.capitalize())))


class Shortest(Rule):
    """## What it does
    A corpus rule: the shortest article of the corpus.

    ## Why is this bad?
    A test rule.

    ## Example
    Two articles.

    ## Fix safety
    No fix.
    """

    code = "TPA002"
    name = "shortest"
    summary = "The shortest article"

    def collect(self, article):
        article.add_metric("chars", len(article.text))
        return len(article.text)

    def finalize(self, collected):
        if len(collected) > 1:
            ref, size = min(collected, key=lambda item: item[1])
            longest = max(collected, key=lambda item: item[1])[0]
            yield self.finding_at(ref, 1, f"shortest article ({size} chars)", related=[longest.location(1)])


class Plugin:
    @hookimpl
    def newslint_register_rules(self, register, config):
        register(Shouting())
        register(Shortest())


def test_lint_text_applies_suppressions():
    text = "BREAKING news from the capital.\n<!-- newslint: ignore[TPA001] -->\nMORE TROOPS arrive.\n"
    findings = lint_text(text, Shouting(), path="wire.txt")
    assert [(f.path, f.line, f.column, f.message) for f in findings] == [("wire.txt", 1, 1, "shouted BREAKING")]


def test_lint_text_runs_corpus_rules_on_the_one_article():
    assert lint_text("Short.", [Shouting(), Shortest()]) == []


def test_lint_corpus_gives_finalize_every_article():
    (finding,) = lint_corpus({"a.txt": "A longer story about the budget.", "b.txt": "Brief."}, Shortest())
    assert (finding.path, finding.line, finding.message) == ("b.txt", 1, "shortest article (6 chars)")
    assert finding.related == (Location("a.txt", 1, 1),)


def test_fix_text_applies_safe_fixes_until_stable():
    assert fix_text("BREAKING: TROOPS arrive.\n", Shouting()) == "Breaking: Troops arrive.\n"
    assert fix_text("Nothing to fix.\n", Shouting()) == "Nothing to fix.\n"


def test_run_cli_with_in_process_plugin_and_stdin():
    result = run_cli(["check", "--isolated", "--select", "TPA", "--stdin-filename", "wire.txt", "-"],
                     plugins=[Plugin()], stdin="Officials said the RALLY would go ahead.\n")
    assert isinstance(result, RunResult)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == "wire.txt:1:20: TPA001 [*] shouted RALLY"


def test_newslint_run_fixture_is_registered_by_the_pytest_plugin(newslint_run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("A longer story about the budget.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Brief.\n", encoding="utf-8")
    result = newslint_run("check", "--isolated", "--select", "TPA002", "--format", "json", ".", plugins=[Plugin()])
    data = json.loads(result.stdout)
    assert [(f["path"], f["code"], f["related"][0]["path"]) for f in data] == [("b.txt", "TPA002", "a.txt")]
    listed = newslint_run("plugins", "--isolated", plugins=[Plugin()])
    assert "TPA001, TPA002" in listed.stdout
