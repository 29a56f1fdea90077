"""Tests of the project's own promises: documented hooks, declared plugins, public imports, rule docs."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

import newslint
from newslint import hookspecs
from newslint.testing import run_cli

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "plugins.md"
PLUGINS = ROOT / "plugins"
RULE_SECTIONS = ("What it does", "Why is this bad?", "Example", "Fix safety")


def hookspec_signatures() -> dict[str, str]:
    """``{hook: "def hook(arg: Type) -> Return"}`` from hookspecs.py's source, string annotations unquoted."""
    tree = ast.parse((ROOT / "newslint" / "hookspecs.py").read_text(encoding="utf-8"))
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.decorator_list:
            returns = f" -> {ast.unparse(node.returns)}" if node.returns else ""
            signature = f"def {node.name}({ast.unparse(node.args)}){returns}"
            found[node.name] = re.sub(r"""(['"])([^'"]*)\1""", r"\2", signature)
    return found


def squash(text: str) -> str:
    """Whitespace-insensitive form, so a signature may wrap in the docs."""
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"\s*([()\[\],:])\s*", r"\1", text)


# -- (a) every hook is documented with its signature --------------------------------


def test_hookspec_source_matches_the_registered_hooks():
    runtime = {name for name in dir(hookspecs) if name.startswith("newslint_")}
    assert runtime == set(hookspec_signatures())
    assert all(hasattr(getattr(hookspecs, name), "newslint_spec") for name in runtime)


@pytest.mark.parametrize("hook", sorted(hookspec_signatures()))
def test_plugin_hooks_are_documented(hook):
    docs = DOCS.read_text(encoding="utf-8")
    assert re.search(rf"^#+ .*`{hook}\b", docs, re.M), f"docs/plugins.md has no heading for {hook}"
    signature = hookspec_signatures()[hook]
    assert squash(signature) in squash(docs), f"docs/plugins.md lacks the signature: {signature}"


def test_documented_hooks_exist():
    documented = set(re.findall(r"(?<![.\w])newslint_[a-z_]+[a-z]\b", DOCS.read_text(encoding="utf-8")))
    # Packages, the pytest fixture, and the docs' example of a misspelt hook.
    not_hooks = {"newslint_plugins", "newslint_run", "newslint_example_plugin", "newslint_register_rule"}
    assert documented - not_hooks <= set(hookspec_signatures()), "docs/plugins.md names hooks that do not exist"


def test_public_api_is_documented():
    docs = DOCS.read_text(encoding="utf-8")
    missing = [name for name in newslint.__all__ if name != "__version__" and f"`{name}" not in docs
               and not re.search(rf"\b{re.escape(name)}\b", docs)]
    assert missing == [], f"docs/plugins.md never mentions {missing}"


# -- (b) every module in plugins/ is an entry point, and every entry point a module ---------


def test_plugin_modules_and_entry_points_agree():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = project["entry-points"]["newslint"]
    targets = {}
    for name, target in declared.items():
        package, _, module = target.partition(".")
        assert package == "newslint_plugins" and module and ":" not in target, \
            f"entry point {name} = {target!r} is not a newslint_plugins module"
        targets[module] = name
    modules = {p.stem for p in PLUGINS.glob("*.py") if not p.name.startswith("_")}
    assert sorted(modules - set(targets)) == [], "modules in plugins/ without an entry point in pyproject.toml"
    assert sorted(set(targets) - modules) == [], "entry points in pyproject.toml without a module in plugins/"


# -- (c) plugins/ uses only the public API ---------------------------------------------


def private_imports(path: Path, root: Path = ROOT) -> list[str]:
    """Each way ``path`` reaches into newslint other than ``newslint``'s public names."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    public = set(newslint.__all__)
    problems = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(root).as_posix()}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import):
            problems += [f"{where}: import {a.name}" for a in node.names if a.name.startswith("newslint.")]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.startswith("newslint."):
                problems.append(f"{where}: from {node.module} import ...")
            elif node.module == "newslint":
                problems += [f"{where}: from newslint import {a.name} (not in newslint.__all__)"
                             for a in node.names if a.name not in public]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and re.fullmatch(r"newslint\.\w+(\.\w+)*", node.value):
            problems.append(f"{where}: {node.value!r} (a dynamic import of a newslint module?)")
    return problems


def test_plugins_import_only_the_public_api():
    """The built-in plugins, and the example third-party plugin, as a template for others."""
    files = sorted(PLUGINS.rglob("*.py")) + sorted((ROOT / "examples").glob("*/*.py"))
    assert files, "no plugin modules found"
    problems = [p for path in files for p in private_imports(path)]
    assert problems == []


def test_private_import_check_catches_internals(tmp_path):
    bad = tmp_path / "plugins" / "bad.py"
    bad.parent.mkdir()
    bad.write_text("import newslint._model\nfrom newslint._rules import Rule\n"
                   "from newslint import _config, Rule\nimport importlib\n"
                   "importlib.import_module('newslint._engine')\nfrom newslint import Article\n"
                   "from ._spacing_words import WORDS\n", encoding="utf-8")
    found = private_imports(bad, root=tmp_path)
    assert [p.split(":")[1] for p in found] == ["1", "2", "3", "5"]


# -- (d) every registered rule has the four docstring sections ------------------------------


def rule_codes() -> list[str]:
    listed = run_cli(["plugins", "--isolated"])
    assert "NL002" not in listed.stdout, f"a plugin failed to load, so its rules go unchecked:\n{listed.stdout}"
    codes = set()
    for line in listed.stdout.splitlines():
        if line.strip().startswith("rules:") and "(none)" not in line:
            codes.update(c.strip() for c in line.split(":", 1)[1].split(","))
    everything = run_cli(["rule", "--all", "--isolated"])
    assert everything.exit_code == 0, everything.stderr
    codes.update(re.findall(r"^# [a-z0-9-]+ \(([A-Z]{2,4}[0-9]{3})\)$", everything.stdout, re.M))
    return sorted(codes)


def section_problems(text: str) -> list[str]:
    """What is wrong with the ``##`` sections of a rule's documentation (headings in code blocks ignored)."""
    headings, bodies, fenced = [], [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("## "):
            headings.append(line[3:].strip())
            bodies.append([])
        elif bodies:
            bodies[-1].append(line)
    problems = []
    if [h for h in headings if h in RULE_SECTIONS] != list(RULE_SECTIONS):
        problems.append(f"sections {headings}, expected {list(RULE_SECTIONS)} in that order")
    problems += [f"section {h!r} is empty" for h, body in zip(headings, bodies) if not "".join(body).strip()]
    return problems


def test_every_rule_documents_the_four_sections():
    codes = rule_codes()
    assert {"NL001", "NL002", "NL003"} <= set(codes)
    problems = {}
    for code in codes:
        shown = run_cli(["rule", code, "--isolated"])
        assert shown.exit_code == 0, shown.stderr
        found = section_problems(shown.stdout)
        if found:
            problems[code] = found
    assert problems == {}


def test_section_check_catches_missing_and_empty_sections():
    good = "## What it does\nx\n## Why is this bad?\ny\n## Example\n```\n## not a heading\n```\n## Fix safety\nz\n"
    assert section_problems(good) == []
    assert section_problems(good.replace("## Fix safety\nz\n", ""))  # missing
    assert section_problems(good.replace("y\n", ""))  # empty
    assert section_problems(good.replace("## Example", "## Examples"))  # misnamed


# -- (e) the public API exists ---------------------------------------------------------------


def test_public_names_exist_and_are_unique():
    assert len(newslint.__all__) == len(set(newslint.__all__))
    assert [name for name in newslint.__all__ if not hasattr(newslint, name)] == []


def test_types_in_hook_signatures_are_public():
    """A plugin must be able to import every type a hook hands it, from ``newslint``."""
    names = set()
    for signature in hookspec_signatures().values():
        names.update(re.findall(r"\b[A-Z][A-Za-z]+\b", signature))
    names -= {"Callable", "Iterable", "Optional", "Union", "Path", "None"}
    assert sorted(names - set(newslint.__all__)) == []


def test_python_examples_in_the_plugin_docs_parse():
    """Every ```python block parses; a block that is only a hook signature gets a body first."""
    blocks = re.findall(r"^```python\n(.*?)^```", DOCS.read_text(encoding="utf-8"), re.M | re.S)
    assert len(blocks) > 10
    for block in blocks:
        source = f"{block.rstrip()}: ..." if re.fullmatch(r"def [^\n]+\n?", block) else block
        try:
            ast.parse(source)
        except SyntaxError as error:
            pytest.fail(f"docs/plugins.md: a python example does not parse ({error}):\n{block}")
