"""The pre-commit hook, run by real pre-commit (``pre-commit try-repo``) on a git repository of articles.

pre-commit builds a virtual environment for the hook and pip-installs this
repository into it. The test must pass without network access, so pip gets
no index at all: newslint's runtime dependencies come from a wheelhouse made
by repacking the distributions installed in the running environment, and
newslint itself is built without build isolation, by the setuptools that
virtualenv seeds into the hook environment from its bundled wheels.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
HOOKS_FILE = ROOT / ".pre-commit-hooks.yaml"

#: My own text, not from any outlet.
STORY = ("The city council voted 7-2 on Tuesday to extend the night bus service to the airport.\n"
         "The new routes start in March, the transport department said.\n")
#: The same story saved in Latin-1 by an old scraper: "café" is not valid UTF-8 (byte 0xe9).
LATIN1_STORY = "Riders waited outside the station café until the last bus left at 1:40 a.m.\n"


def _yaml():
    return pytest.importorskip("yaml", reason="PyYAML comes with pre-commit")


def test_hook_definition():
    (hook,) = _yaml().safe_load(HOOKS_FILE.read_text(encoding="utf-8"))
    assert hook["id"] == "newslint"
    assert hook["language"] == "python"
    assert hook["entry"].split()[:2] == ["newslint", "check"]
    assert "--force-exclude" in hook["entry"].split()  # pre-commit names files; exclude must still apply
    assert hook["require_serial"] is True  # corpus rules (duplicates) need every file in one run
    files = re.compile(hook["files"])
    for name in ("a.txt", "news/b.md", "c.markdown", "corpus/d.jsonl"):
        assert files.search(name), name
    for name in ("a.txt.bak", "setup.py", "image.png", "notes.rst", "a.jsonl.gz", "md", "txt"):
        assert not files.search(name), name


def test_hook_file_is_committed():
    """Users install the hook from the repository's commits, so the file must be tracked."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git work tree")
    try:
        git(ROOT, "ls-files", "--error-unmatch", HOOKS_FILE.name)
    except subprocess.CalledProcessError:
        pytest.fail(f"{HOOKS_FILE.name} is not committed")


# -- an offline wheelhouse of newslint's dependencies -----------------------------------


def runtime_dependencies() -> list[metadata.Distribution]:
    """The installed distributions newslint needs at run time on this Python, transitively."""
    requirements_mod = pytest.importorskip("packaging.requirements")
    canonical = pytest.importorskip("packaging.utils").canonicalize_name
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    installed = metadata.requires("newslint") or []
    todo = [requirements_mod.Requirement(r) for r in [*declared, *installed]]
    found: dict[str, metadata.Distribution] = {}
    while todo:
        requirement = todo.pop()
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        name = canonical(requirement.name)
        if name in found:
            continue
        try:
            dist = metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            pytest.fail(f"newslint needs {requirement}, which is not installed here")
        found[name] = dist
        todo += [requirements_mod.Requirement(r) for r in dist.requires or []]
    return list(found.values())


def _wheel_tag(dist: metadata.Distribution) -> str:
    """``py-abi-platform`` from the dist-info's WHEEL file, several tags compressed with dots."""
    tags = [line.split(":", 1)[1].strip() for line in (dist.read_text("WHEEL") or "").splitlines()
            if line.startswith("Tag:")]
    if not tags:
        raise RuntimeError(f"{dist.metadata['Name']} has no WHEEL tags; it was not installed from a wheel")
    parts = [sorted({tag.split("-")[i] for tag in tags}) for i in range(3)]
    return "-".join(".".join(p) for p in parts)


def _digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def repack(dist: metadata.Distribution, wheelhouse: Path) -> Path:
    """A wheel rebuilt from an installed distribution: its RECORD's files inside site-packages."""
    files = [f for f in dist.files or [] if not f.as_posix().startswith("..")
             and "__pycache__" not in f.parts]
    info_dirs = {f.parts[0] for f in files if f.parts[0].endswith(".dist-info")}
    if len(info_dirs) != 1:
        raise RuntimeError(f"{dist.metadata['Name']}: cannot find its .dist-info in RECORD")
    (info_dir,) = info_dirs
    name = re.sub(r"[-_.]+", "_", dist.metadata["Name"])
    target = wheelhouse / f"{name}-{dist.version}-{_wheel_tag(dist)}.whl"
    record = []
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as wheel:
        for file in files:
            arcname = file.as_posix()
            if arcname.startswith(info_dir + "/") and file.name in ("RECORD", "INSTALLER", "REQUESTED",
                                                                  "direct_url.json"):
                continue  # written at install time, not part of a wheel
            data = Path(dist.locate_file(file)).read_bytes()
            wheel.writestr(arcname, data)
            record.append(f"{arcname},{_digest(data)},{len(data)}")
        record.append(f"{info_dir}/RECORD,,")
        wheel.writestr(f"{info_dir}/RECORD", "\n".join(record) + "\n")
    return target


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheelhouse")
    for dist in runtime_dependencies():
        repack(dist, folder)
    return folder


def test_wheelhouse_has_every_runtime_dependency(wheelhouse):
    names = {p.name.split("-")[0].lower() for p in wheelhouse.glob("*.whl")}
    assert {"pluggy", "regex", "textstat"} <= names
    for wheel in wheelhouse.glob("*.whl"):
        with zipfile.ZipFile(wheel) as archive:
            assert archive.testzip() is None
            assert any(n.endswith(".dist-info/METADATA") for n in archive.namelist())


# -- pre-commit try-repo on a repository of articles -----------------------------------------


def git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    # Without the GIT_* variables of a calling git (say, a hook running this suite).
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


@pytest.fixture
def articles_repo(tmp_path) -> Path:
    """A content repository: articles in three formats, and a binary file the hook must skip."""
    repo = tmp_path / "articles"
    (repo / "news").mkdir(parents=True)
    (repo / "corpus").mkdir()
    (repo / "assets").mkdir()
    (repo / "drafts").mkdir()
    (repo / "news" / "night-bus.md").write_text("---\ntitle: Night buses\n---\n" + STORY, encoding="utf-8")
    (repo / "news" / "station.txt").write_bytes(LATIN1_STORY.encode("latin-1"))
    (repo / "corpus" / "day1.jsonl").write_text('{"id": "a1", "text": "The airport line opens in March."}\n',
                                                encoding="utf-8")
    # Not an article: if the hook's `files` pattern let it through, newslint would report it (NL001).
    (repo / "assets" / "map.bin").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x00")
    # Matched by the hook's pattern but excluded by the repository's configuration (--force-exclude).
    (repo / "drafts" / "old.txt").write_bytes(LATIN1_STORY.encode("latin-1"))
    # This test is about the hook, not about the precision of every rule: check read errors only.
    (repo / "newslint.toml").write_text('select = ["NL001"]\nextend-exclude = ["drafts"]\n', encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "articles")
    return repo


def offline_env(tmp: Path, wheelhouse: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "PRE_COMMIT", "VIRTUALENV_", "PYTHON", "GIT_"))}
    env.update(
        PRE_COMMIT_HOME=str(tmp / "pre-commit-home"),
        PRE_COMMIT_COLOR="never",
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=str(wheelhouse),
        # pip reads a "no-" option's variable as the value of the positive option, so
        # PIP_NO_BUILD_ISOLATION=0 is what turns build isolation OFF.
        PIP_NO_BUILD_ISOLATION="0",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_CACHE_DIR=str(tmp / "pip-cache"),
        # virtualenv seeds pip and setuptools from its bundled wheels, which builds newslint
        # offline; on Python 3.12+ setuptools is seeded only when asked for.
        VIRTUALENV_SETUPTOOLS="bundle",
        VIRTUALENV_NO_PERIODIC_UPDATE="1",
        VIRTUALENV_OVERRIDE_APP_DATA=str(tmp / "virtualenv-app-data"),
    )
    return env


#: Never copied into the snapshot of this project (when it is not a git work tree).
SKIP_DIRS = {".git", ".venv", "venv", "__pycache__", "build", "dist", ".pytest_cache", ".newslint_cache", ".ci-venv"}


def project_files() -> list[str]:
    """This project's files as a checkout would have them: git's view when it is a work tree."""
    if shutil.which("git") and (ROOT / ".git").exists():
        listed = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").stdout
        listed = listed.decode("utf-8").split("\0")
        return [name for name in listed if name and (ROOT / name).is_file()]
    found = []
    for folder, dirs, names in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info")]
        found += [os.path.relpath(os.path.join(folder, n), ROOT) for n in names]
    return found


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory) -> Path:
    """A git repository holding this project's working tree, committed.

    try-repo installs the hook from a repository's commits (plus modified tracked
    files), so files not committed yet would be missing; a snapshot checks the
    code as it is on disk, git work tree or not.
    """
    if shutil.which("git") is None:
        pytest.skip("pre-commit needs git")
    repo = tmp_path_factory.mktemp("newslint-snapshot")
    for name in project_files():
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "snapshot")
    return repo


def try_repo(hook_repo: Path, repo: Path, env: dict[str, str], *files: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "newslint",
                           "--verbose", "--files", *files],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=300)


def test_hook_fails_on_a_finding_and_passes_once_fixed(hook_repo, articles_repo, wheelhouse, tmp_path):
    pytest.importorskip("pre_commit", reason="pre-commit is a test dependency (pip install -e '.[test]')")
    env = offline_env(tmp_path, wheelhouse)
    files = ["news/night-bus.md", "news/station.txt", "corpus/day1.jsonl", "assets/map.bin", "drafts/old.txt"]

    failed = try_repo(hook_repo, articles_repo, env, *files)
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1, output
    assert re.search(r"^newslint\.+Failed$", failed.stdout, re.M), output
    assert "news/station.txt:1:" in output and "NL001" in output and "invalid UTF-8 at byte offset 37" in output
    assert "NL002" not in output, output  # every plugin loaded in the hook's environment
    assert "map.bin" not in output and "night-bus.md:" not in output and "old.txt" not in output

    (articles_repo / "news" / "station.txt").write_text(LATIN1_STORY, encoding="utf-8")
    git(articles_repo, "add", ".")
    passed = try_repo(hook_repo, articles_repo, env, *files)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"^newslint\.+Passed$", passed.stdout, re.M), passed.stdout
