"""The diff filter: real `git diff --binary` output split per file, test infrastructure left out and flagged."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from harvester.gitdiff import apply_hunks, split_diff
from harvester.tamper import Baseline, filter_diff
from harvester.testpaths import path_kind

BASE = {
    "calc/__init__.py": "def add(a, b):\n    return a - b\n",
    "tests/test_calc.py": "from calc import add\n\ndef test_add():\n    assert add(1, 2) == 3\n",
    "pyproject.toml": '[project]\nname = "calc"\nversion = "1.0"\n\n[tool.pytest.ini_options]\n'
                      'testpaths = ["tests"]\n\n[tool.black]\nline-length = 100\n',
    "setup.cfg": "[metadata]\nname = calc\n\n[tool:pytest]\naddopts = -q\n",
    "docs/guide.md": "# Guide\n",
}
HIDDEN = frozenset({"tests/test_calc_hidden.py"})


def _git(repo: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t", "PATH": "/usr/bin:/bin", "HOME": str(repo)}
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, check=True)
    return done.stdout.decode("utf-8", "surrogateescape")


def agent_diff(tmp_path: Path, changes: dict[str, str | bytes | None]) -> str:
    """The diff `sandbox.diff` would produce after `changes` (None deletes) on top of BASE."""
    repo = tmp_path / "repo"
    for path, text in BASE.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(text)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "baseline")
    for path, content in changes.items():
        target = repo / path
        if content is None:
            target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode())
    _git(repo, "add", "-A")
    return _git(repo, "diff", "--cached", "--binary", "--full-index", "HEAD")


def baseline() -> Baseline:
    texts = {p: t for p, t in BASE.items() if p in ("pyproject.toml", "setup.cfg")}
    return Baseline(frozenset(BASE), HIDDEN, texts)


FIX = {"calc/__init__.py": "def add(a, b):\n    return a + b\n"}
CASES = [  # (changes on top of the fix, excluded paths, flags)
    ({}, [], []),
    ({"tests/test_calc.py": "def test_add():\n    assert True\n"}, ["tests/test_calc.py"], ["edited_tests"]),
    ({"tests/test_calc.py": None}, ["tests/test_calc.py"], ["deleted_tests"]),
    ({"tests/test_new.py": "def test_x():\n    pass\n"}, ["tests/test_new.py"], []),
    ({"conftest.py": "import pytest\n"}, ["conftest.py"], ["test_config"]),
    ({"calc/conftest.py": "x = 1\n"}, ["calc/conftest.py"], ["test_config"]),
    ({"pytest.ini": "[pytest]\naddopts = -k nothing\n"}, ["pytest.ini"], ["test_config"]),
    ({"sitecustomize.py": "import unittest\n"}, ["sitecustomize.py"], ["customize_hook"]),
    ({"calc/zz.pth": "import os\n"}, ["calc/zz.pth"], ["customize_hook"]),
    ({"bin/pytest": "#!/bin/sh\nexit 0\n"}, ["bin/pytest"], ["fake_tool"]),
    ({"pytest.py": "import sys\nsys.exit(0)\n"}, ["pytest.py"], ["fake_tool"]),
    ({"_pytest/__init__.py": ""}, ["_pytest/__init__.py"], ["fake_tool"]),
    ({"tests/test_calc_hidden.py": "def test_add():\n    pass\n"}, ["tests/test_calc_hidden.py"],
     ["hidden_test_path"]),
    ({"pyproject.toml": BASE["pyproject.toml"].replace('["tests"]', '["docs"]')}, ["pyproject.toml"],
     ["test_config"]),
    ({"pyproject.toml": BASE["pyproject.toml"].replace("100", "120")}, [], []),
    ({"setup.cfg": BASE["setup.cfg"].replace("-q", "-q -p no:python")}, ["setup.cfg"], ["test_config"]),
    ({"setup.cfg": BASE["setup.cfg"].replace("name = calc", "name = calc2")}, [], []),
    ({"tox.ini": "[tox]\nenvlist = py311\n"}, [], []),
    ({"tox.ini": "[pytest]\naddopts = --co\n"}, ["tox.ini"], ["test_config"]),
    ({"calc/util.py": "import pytest\npytest.skip = None\n"}, [], ["runner_patch"]),
    ({"docs/guide.md": None, "docs/logo.bin": bytes(range(256))}, [], []),
]


@pytest.mark.parametrize(("changes", "excluded", "flags"), CASES)
def test_filter_diff(tmp_path, changes, excluded, flags):
    diff = agent_diff(tmp_path, {**FIX, **changes})
    result = filter_diff(diff, baseline())
    assert result.excluded == excluded
    assert sorted(result.flags) == flags
    kept = {p for s in split_diff(result.patch) for p in s.paths}
    assert "calc/__init__.py" in kept and not kept & set(excluded)


def test_filtered_patch_applies_with_git(tmp_path):
    diff = agent_diff(tmp_path / "a", {**FIX, "docs/logo.bin": bytes(range(256)), "tests/test_calc.py": None,
                                       "docs/guide.md": None, "calc/new name.py": "x = 'é'\n"})
    patch = filter_diff(diff, baseline()).patch
    fresh = tmp_path / "b"
    agent_diff(fresh, {})
    (tmp_path / "p.diff").write_bytes(patch.encode("utf-8", "surrogateescape"))
    _git(fresh / "repo", "apply", str(tmp_path / "p.diff"))
    repo = fresh / "repo"
    assert (repo / "docs/logo.bin").read_bytes() == bytes(range(256))
    assert (repo / "calc/new name.py").read_text() == "x = 'é'\n" and not (repo / "docs/guide.md").exists()
    assert (repo / "tests/test_calc.py").exists()  # the deletion of a test was left out


def test_paths_of_renames_and_quoted_names(tmp_path):
    diff = agent_diff(tmp_path, {"calc/__init__.py": None, "calc/core.py": BASE["calc/__init__.py"],
                                 "tab\tname.py": "x = 1\n", "ünï.py": "y = 2\n"})
    by_path = {tuple(s.paths): s.status for s in split_diff(diff)}
    assert by_path[("tab\tname.py",)] == "added" and by_path[("ünï.py",)] == "added"
    assert by_path.get(("calc/__init__.py", "calc/core.py")) == "renamed"


def test_apply_hunks_rebuilds_the_new_text(tmp_path):
    old = "".join(f"line {n}\n" for n in range(40))
    new = old.replace("line 3\n", "line three\n").replace("line 30\n", "") + "tail"
    BASE["big.txt"] = old
    try:
        diff = agent_diff(tmp_path, {"big.txt": new})
    finally:
        del BASE["big.txt"]
    (section,) = split_diff(diff)
    assert apply_hunks(old, section) == new
    assert apply_hunks("something else\n", section) is None


@pytest.mark.parametrize(("path", "kind"), [
    ("calc/core.py", None), ("tests/helpers.py", "test"), ("pkg/test_x.py", "test"), ("pkg/x_test.py", "test"),
    ("testing/data.json", "test"), ("tests", "test"), ("pkg/conftest.py", "config"), ("pytest.ini", "config"),
    ("setup.cfg", "sections"), ("sub/tox.ini", "sections"), ("a/usercustomize.py", "hook"), ("x.pth", "hook"),
    ("pytest/__main__.py", "tool"), ("unittest.py", "tool"), ("pkg/pytest.py", None), ("tools/python3", "tool"),
    ("tests/__pycache__/x.pyc", None), ("contest.py", None), ("latest_results.py", None),
])
def test_path_kind(path, kind):
    assert path_kind(path) == kind
