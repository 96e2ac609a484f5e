"""The repository being seeded: fetched or copied, its sources and dependencies, its image and clean test run."""

from __future__ import annotations

import configparser
import hashlib
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import docker
from pydantic import BaseModel, ConfigDict, Field

from harvester.errors import HarvesterError
from harvester.images import CACHE_DIR
from harvester.testpaths import path_kind
from harvester.testrun import run_pytest
from sandbox import Sandbox
from sandbox.images import build_layer, ensure_base_image, image_exists
from sandbox.wheels import ensure_env_image

CLONE_TIMEOUT_S = 900
SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", ".eggs", "build", "dist", "docs", "doc",
                       "examples", "example", "benchmarks", "bench", "scripts", "node_modules", "__pycache__",
                       ".pytest_cache", ".mypy_cache", "site-packages"})
SKIP_FILES = frozenset({"setup.py", "noxfile.py", "conftest.py", "fabfile.py"})
_COPY_IGNORE = shutil.ignore_patterns(".git", ".hg", ".svn", ".tox", ".nox", ".venv", "__pycache__", ".pytest_cache",
                                      ".mypy_cache", "*.pyc", "*.egg-info")
_COLLECT = ["python3", "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]


class SeedError(HarvesterError, ValueError):
    """The repository cannot be seeded; the message is one line."""


class Project(BaseModel):
    """A local copy of the repository and what seeding needs to know about it."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    name: str = Field(description="Project name used in task ids ([a-z0-9-]).")
    root: Path = Field(description="The staged copy (no VCS data, no caches).")
    sources: list[str] = Field(description="Repo-relative .py files that bugs may go into.")
    tests: list[str] = Field(description="Repo-relative .py files under test paths.")
    dependencies: list[str] = Field(description="Requirement strings from pyproject/setup.cfg/requirements.txt.")


class Suite(BaseModel):
    """The clean state's test run."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    ids: list[str] = Field(description="Node ids that pass at the clean state (skipped ones left out).")
    duration_s: float = Field(description="Wall time of one full run.")


def _is_url(repo: str) -> bool:
    return "://" in repo or re.match(r"^[\w.-]+@[\w.-]+:", repo) is not None


def acquire(repo: str, workdir: Path) -> Path:
    """A staged copy of REPO (a local directory or a git URL) under workdir."""
    staged = workdir / "repo"
    if _is_url(repo):
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0"}
        try:
            done = subprocess.run(["git", "clone", "--quiet", "--depth", "1", repo, str(staged)], env=env,
                                  capture_output=True, text=True, timeout=CLONE_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SeedError(f"{repo}: git clone failed: {exc}") from None
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise SeedError(f"{repo}: git clone failed: {last}")
        shutil.rmtree(staged / ".git", ignore_errors=True)
        return staged
    path = Path(repo)
    if not path.exists():
        raise SeedError(f"{repo}: no such directory")
    if not path.is_dir():
        raise SeedError(f"{repo}: not a directory")
    shutil.copytree(path, staged, ignore=_COPY_IGNORE, symlinks=True)
    return staged


def _py_files(root: Path) -> list[str]:
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.endswith(".egg-info"))
        found += [(Path(dirpath) / name).relative_to(root).as_posix() for name in filenames if name.endswith(".py")]
    return sorted(found)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "project"


def _requirements(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return [line.split(" #")[0].strip() for line in lines if line.strip() and not line.lstrip().startswith(("#", "-"))]


def metadata(root: Path, fallback: str) -> tuple[str, list[str]]:
    """(name, dependencies) from pyproject.toml, setup.cfg and requirements.txt, in that order."""
    name, deps = None, []
    if (root / "pyproject.toml").is_file():
        try:
            project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8")).get("project", {})
        except tomllib.TOMLDecodeError as exc:
            raise SeedError(f"{root / 'pyproject.toml'}: invalid TOML: {exc}") from None
        name, deps = project.get("name"), list(project.get("dependencies", []))
    if (root / "setup.cfg").is_file():
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(root / "setup.cfg", encoding="utf-8")
        name = name or parser.get("metadata", "name", fallback=None)
        deps += [d.strip() for d in parser.get("options", "install_requires", fallback="").splitlines() if d.strip()]
    if (root / "requirements.txt").is_file():
        deps += _requirements(root / "requirements.txt")
    return _slug(name or fallback), list(dict.fromkeys(deps))


def load_project(root: Path, repo: str) -> Project:
    """Sources, tests and metadata of a staged repository; SeedError when there is no Python in it."""
    files = _py_files(root)
    if not files:
        raise SeedError(f"{repo}: no Python files (not a Python project)")
    tests = [f for f in files if path_kind(f) == "test"]
    sources = [f for f in files if path_kind(f) is None and Path(f).name not in SKIP_FILES]
    if not sources:
        raise SeedError(f"{repo}: no Python source files outside the tests")
    name, deps = metadata(root, Path(repo.rstrip("/")).name.removesuffix(".git"))
    return Project(name=name, root=root, sources=sources, tests=tests, dependencies=deps)


def tree_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            data = path.read_bytes() if path.is_file() else b""
            digest.update(f"{path.relative_to(root).as_posix()}\0{len(data)}\0".encode() + data)
    return digest.hexdigest()[:16]


def seed_image(client: docker.DockerClient, project: Project, log=print) -> str:
    """Base + dependency layer (shared with the seeded tasks' images) + the clean repo at /repo."""
    tag = f"harvester-seed:{project.name[:60]}-{tree_hash(project.root)}"
    if image_exists(client, tag):
        return tag
    base = ensure_base_image(client, None, log)
    env = ensure_env_image(client, base, project.dependencies, [], CACHE_DIR)
    return build_layer(client, env, tag, {"repo": project.root}, [])


def collect(sandbox: Sandbox, timeout_s: float, repo: str) -> list[str]:
    """Every test id pytest collects at /repo; SeedError with the reason when it cannot."""
    done = sandbox.exec(_COLLECT, workdir="/repo", timeout=timeout_s)
    if done.timed_out:
        raise SeedError(f"{repo}: collecting the tests took longer than {timeout_s:g}s")
    head = done.output.split("\n\n", 1)[0]
    ids = [line.strip() for line in head.splitlines() if "::" in line and not line.startswith(("ERROR", " "))]
    if done.exit_code == 5 or (done.exit_code == 0 and not ids):
        raise SeedError(f"{repo}: pytest collects no tests (a repo without tests cannot be seeded)")
    if done.exit_code != 0:
        errors = sorted(set(re.findall(r"ERROR collecting (\S+)", done.output)))
        what = ", ".join(errors[:5]) if errors else (done.output.strip().splitlines() or ["no output"])[-1]
        raise SeedError(f"{repo}: tests fail at the clean state: collection errors in {what}")
    return ids


def clean_suite(sandbox: Sandbox, timeout_s: float, repo: str) -> Suite:
    """Run the whole suite once at the clean state; every collected test must pass (or be skipped)."""
    ids = collect(sandbox, timeout_s, repo)
    run = run_pytest(sandbox, ids, timeout_s)
    if run.timed_out:
        raise SeedError(f"{repo}: the test suite takes longer than {timeout_s:g}s at the clean state")
    failing = [node_id for node_id, status in run.statuses.items() if status in ("failed", "error", "missing")]
    if failing:
        more = f" (and {len(failing) - 5} more)" if len(failing) > 5 else ""
        raise SeedError(f"{repo}: {len(failing)} test(s) fail at the clean state: {', '.join(failing[:5])}{more}")
    passed = [node_id for node_id, status in run.statuses.items() if status == "passed"]
    if not passed:
        raise SeedError(f"{repo}: no test passes at the clean state (all {len(ids)} skipped or xfailed)")
    return Suite(ids=passed, duration_s=run.duration_s)
