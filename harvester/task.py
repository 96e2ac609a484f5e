"""Task model and loader for `task_repos/<id>/` directories (see docs/tasks.md)."""

import hashlib
import json
import os
import shutil
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from harvester.errors import HarvesterError

TASK_FILE = "task.toml"
_IGNORED_DIRS = {"__pycache__", ".pytest_cache", ".git"}
_IGNORED_SUFFIXES = (".pyc",)
_IGNORED = shutil.ignore_patterns(*_IGNORED_DIRS, "*.pyc")


class TaskError(HarvesterError, ValueError):
    """A task directory is malformed; the message is one line naming the file and the field."""


class Environment(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    python: str = Field("3.11", description="Python version of the task image.")
    dependencies: list[str] = Field(default=[], description="PyPI requirement strings installed into the image.")
    setup: list[str] = Field(default=[], description="Shell commands run in the image after install.")


class Limits(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    test_timeout_s: int = Field(120, gt=0, description="Wall-clock limit of one test run, in seconds.")


class Task(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", description="Task id; equals the directory name.")
    statement: str = Field(min_length=1, description="Issue-style problem statement shown to the agent.")
    kind: Literal["single-site", "multi-site", "edge-case", "feature"] = Field(
        "single-site", description="What sort of change the fix is."
    )
    project: str | None = Field(None, description="Name under task_repos/projects/; exclusive with a repo/ dir.")
    bug_patch: str = Field("bug.patch", description="Diff turning the clean project into the buggy state.")
    hidden_tests: str = Field("hidden", description="Directory of hidden test files, relative to the repo root.")
    test_patch: str | None = Field(None, description="Optional diff adding or changing tests, applied at grading.")
    solution: str = Field("solution.patch", description="Diff from the buggy state to the fixed state.")
    test_command: str = Field("python -m pytest -q", description="Command the agent is told runs the tests.")
    fail_to_pass: list[str] = Field(min_length=1, description="Test ids that fail at base and pass when fixed.")
    pass_to_pass: list[str] = Field(default=[], description="Test ids that pass both at base and when fixed.")
    environment: Environment = Field(default=Environment(), description="Python version, dependencies, setup.")
    limits: Limits = Field(default=Limits(), description="Resource limits of test runs.")
    metadata: dict[str, str | int | float | bool] = Field(default={}, description="Free-form provenance values.")
    root: Path = Field(exclude=True, description="The task directory; set by the loader.")


def _fail(file: Path, field: str | None, message: str) -> TaskError:
    where = f"field '{field}': " if field else ""
    return TaskError(f"{file}: {where}{message}".replace("\n", " "))


def _first_error(file: Path, error: ValidationError) -> TaskError:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"])
    message = {"missing": "missing required field", "extra_forbidden": "unknown key"}.get(first["type"], first["msg"])
    more = error.error_count() - 1
    return _fail(file, field, message + (f" (and {more} more error(s))" if more else ""))


def _inside(task_dir: Path, file: Path, field: str, name: str) -> Path:
    path = Path(name)
    if path.is_absolute() or ".." in path.parts:
        raise _fail(file, field, f"must be a path inside the task directory, got {name!r}")
    return task_dir / path


def _check_files(task: Task, file: Path) -> None:
    """Cross-field checks that need the file system."""
    root = task.root
    if task.id != root.name:
        raise _fail(file, "id", f"{task.id!r} does not match the directory name {root.name!r}")
    has_repo = (root / "repo").is_dir()
    if (task.project is not None) == has_repo:
        problem = "set together with a repo/ directory" if has_repo else "required when there is no repo/ directory"
        raise _fail(file, "project", problem)
    if task.project is not None and not project_dir(task).is_dir():
        raise _fail(file, "project", f"no project {task.project!r} in {root.parent / 'projects'}")
    files = {"bug_patch": task.bug_patch if task.project else None, "solution": task.solution}
    for field, name in {**files, "test_patch": task.test_patch}.items():
        if name is not None and not _inside(root, file, field, name).is_file():
            raise _fail(file, field, f"file not found: {root / name}")
    hidden = _inside(root, file, "hidden_tests", task.hidden_tests)
    if task.test_patch is None and not hidden.is_dir():
        raise _fail(file, "hidden_tests", f"directory not found: {hidden}")
    both = sorted(set(task.fail_to_pass) & set(task.pass_to_pass))
    if both:
        raise _fail(file, "pass_to_pass", f"{both[0]!r} is also listed in fail_to_pass")


def load_task(task_dir: Path) -> Task:
    """Read and validate `task_dir/task.toml`; raise TaskError with a one-line message."""
    file = task_dir / TASK_FILE
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _fail(file, None, "file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise _fail(file, None, f"invalid TOML: {error}") from None
    if "root" in data:
        raise _fail(file, "root", "unknown key")
    try:
        task = Task.model_validate({**data, "root": task_dir})
    except ValidationError as error:
        raise _first_error(file, error) from None
    _check_files(task, file)
    return task


def discover(paths: list[Path]) -> list[Task]:
    """Load every task under `paths` (task dirs or dirs of task dirs), sorted by id."""
    tasks: dict[str, Task] = {}
    for path in paths:
        if not path.is_dir():
            raise TaskError(f"{path}: not a task directory or a directory of tasks")
        if (path / TASK_FILE).is_file():
            candidates = [path]
        else:
            candidates = sorted(child for child in path.iterdir() if (child / TASK_FILE).is_file())
        for candidate in candidates:
            task = load_task(candidate)
            seen = tasks.get(task.id)
            if seen is not None and seen.root.resolve() != task.root.resolve():
                raise _fail(candidate / TASK_FILE, "id", f"{task.id!r} is also the id of {seen.root}")
            tasks[task.id] = task
    return [tasks[task_id] for task_id in sorted(tasks)]


def project_dir(task: Task) -> Path:
    """The shared clean project a task is built from."""
    return task.root.parent / "projects" / str(task.project)


def _tree_files(root: Path) -> list[Path]:
    """Files under root, relative and sorted, without caches and compiled files."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(name for name in dirnames if name not in _IGNORED_DIRS)
        for name in filenames:
            if not name.endswith(_IGNORED_SUFFIXES):
                found.append((Path(dirpath) / name).relative_to(root))
    return sorted(found, key=lambda path: path.as_posix())


def materialize_repo(task: Task, dest: Path) -> None:
    """Write the agent-visible buggy tree into `dest` (no .git, no hidden tests, no solution)."""
    dest.mkdir(parents=True, exist_ok=True)
    if task.project is None:
        shutil.copytree(task.root / "repo", dest, dirs_exist_ok=True, ignore=_IGNORED)
        return
    shutil.copytree(project_dir(task), dest, dirs_exist_ok=True, ignore=_IGNORED)
    patch = (task.root / task.bug_patch).resolve()
    # Outside a repository `git apply` patches the cwd; inside one it would silently skip the files.
    env = {**os.environ, "GIT_CEILING_DIRECTORIES": str(dest.resolve().parent)}
    env.pop("GIT_DIR", None)
    done = subprocess.run(["git", "apply", str(patch)], cwd=dest, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise _fail(task.root / TASK_FILE, "bug_patch", f"git apply failed: {done.stderr.strip()}")


def hidden_files(task: Task) -> dict[str, bytes]:
    """Hidden test files as repo-relative posix path -> content."""
    hidden = task.root / task.hidden_tests
    return {path.as_posix(): (hidden / path).read_bytes() for path in _tree_files(hidden)}


def read_solution(task: Task) -> str:
    return (task.root / task.solution).read_text(encoding="utf-8")


def read_test_patch(task: Task) -> str | None:
    if task.test_patch is None:
        return None
    return (task.root / task.test_patch).read_text(encoding="utf-8")


def _entries(task: Task) -> Iterator[tuple[str, bytes]]:
    """(name, content) of everything that defines the task, in a fixed order."""
    yield TASK_FILE, (task.root / TASK_FILE).read_bytes()
    trees = [("repo", task.root / "repo")] if task.project is None else [("project", project_dir(task))]
    for label, root in [*trees, ("hidden", task.root / task.hidden_tests)]:
        for relative in _tree_files(root):
            yield f"{label}/{relative.as_posix()}", (root / relative).read_bytes()
    if task.project is not None:
        yield "bug_patch", (task.root / task.bug_patch).read_bytes()
    yield "solution", (task.root / task.solution).read_bytes()
    yield "test_patch", (read_test_patch(task) or "").encode()
    yield "environment", env_hash(task.environment).encode()


def content_hash(task: Task) -> str:
    """Hash of everything that defines the task: toml, inputs, hidden tests, solution, environment."""
    digest = hashlib.sha256()
    for name, data in _entries(task):
        # Length-prefixed so that moving bytes between neighbouring entries changes the hash.
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()[:16]


def env_hash(env: Environment) -> str:
    """Hash of just the environment, which keys the shared dependency image layer."""
    canonical = json.dumps(env.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]
