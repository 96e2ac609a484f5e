"""Which repo paths are tests or test infrastructure, and whether a config file's pytest sections changed."""

from __future__ import annotations

import configparser
import fnmatch
import posixpath
import tomllib
from typing import Literal

PathKind = Literal["hook", "tool", "config", "sections", "test"]
TEST_DIRS = frozenset({"tests", "test", "testing"})
CONFIG_FILES = frozenset({"conftest.py", "pytest.ini", ".pytest.ini", "pytest.toml", ".pytest.toml"})
SECTION_FILES = frozenset({"pyproject.toml", "setup.cfg", "tox.ini"})
HOOK_FILES = frozenset({"sitecustomize.py", "usercustomize.py"})
# Executables a test command could resolve to instead of the real ones.
TOOL_NAMES = frozenset({"pytest", "py.test", "python", "python3", "pytest-3"})
# `python -m pytest` runs from the repo root with it first on sys.path: these names there replace the runner.
SHADOW_MODULES = frozenset({"pytest", "_pytest", "pluggy", "py", "unittest", "iniconfig"})
_INI_SECTIONS = ("pytest", "tool:pytest")
_CACHE_PARTS = frozenset({"__pycache__", ".pytest_cache"})


def path_kind(path: str) -> PathKind | None:
    """What a repo-relative path is to the test run: None for ordinary source."""
    parts = [p for p in posixpath.normpath(path).split("/") if p not in ("", ".")]
    if not parts or _CACHE_PARTS & set(parts) or parts[-1].endswith(".pyc"):
        return None
    name = parts[-1]
    if name in HOOK_FILES or name.endswith(".pth"):
        return "hook"
    top = parts[0].removesuffix(".py")
    if name in TOOL_NAMES or (top in SHADOW_MODULES and (len(parts) > 1 or parts[0].endswith(".py"))):
        return "tool"
    if name in CONFIG_FILES:
        return "config"
    if any(is_test_name(part) for part in parts) or TEST_DIRS & set(parts):
        return "test"
    if name in SECTION_FILES:
        return "sections"
    return None


def is_test_name(name: str) -> bool:
    return fnmatch.fnmatchcase(name, "test_*.py") or fnmatch.fnmatchcase(name, "*_test.py")


def pytest_sections(path: str, text: str) -> object:
    """The pytest configuration a pyproject.toml/setup.cfg/tox.ini holds (comparable); a marker if unreadable."""
    if posixpath.basename(path) == "pyproject.toml":
        try:
            return tomllib.loads(text).get("tool", {}).get("pytest")
        except (tomllib.TOMLDecodeError, AttributeError):
            return "<unreadable>"
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return "<unreadable>"
    return {name: dict(parser.items(name)) for name in _INI_SECTIONS if parser.has_section(name)}


def under(path: str, roots: set[str] | frozenset[str]) -> bool:
    """True when `path` is one of `roots`, lies under one, or is a directory holding one (globs allowed)."""
    path = posixpath.normpath(path)
    for root in roots:
        if path == root or root.startswith(path + "/") or path.startswith(root + "/"):
            return True
        if any(ch in path for ch in "*?[") and (fnmatch.fnmatchcase(root, path)
                                                 or fnmatch.fnmatchcase(root, path + "/*")):
            return True
    return False
