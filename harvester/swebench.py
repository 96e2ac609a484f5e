"""Import SWE-bench instances (JSONL) as task directories: repo/ at base_commit, solution and test patches."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from harvester.errors import HarvesterError
from harvester.task import TASK_FILE, TaskError, load_task

DEFAULT_GIT_URL = "https://github.com/{repo}"
CLONE_TIMEOUT_S = 900


class SWEBenchError(HarvesterError, ValueError):
    """An instance cannot be imported; the message is one line naming the file, line and field."""


class Instance(BaseModel):
    """The keys of a SWE-bench instance that a task needs (others are ignored)."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    instance_id: str = Field(min_length=1, description="Unique instance name, e.g. owner__name-1234.")
    repo: str = Field(pattern=r"^[\w.-]+/[\w.-]+$", description="GitHub owner/name.")
    base_commit: str = Field(pattern=r"^[0-9a-fA-F]{7,40}$", description="Commit the task starts from.")
    patch: str = Field(min_length=1, description="Gold fix; becomes solution.patch.")
    test_patch: str = Field(min_length=1, description="Test changes; applied at grading.")
    problem_statement: str = Field(min_length=1, description="The issue text; becomes the statement.")
    FAIL_TO_PASS: list[str] = Field(min_length=1, description="Tests the fix makes pass.")
    PASS_TO_PASS: list[str] = Field(default=[], description="Tests passing before and after.")

    @field_validator("FAIL_TO_PASS", "PASS_TO_PASS", mode="before")
    @classmethod
    def _decode_json_list(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                raise ValueError("not a JSON-encoded list of test ids") from None
        return value


def _field_error(where: str, error: ValidationError) -> SWEBenchError:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"])
    message = "missing" if first["type"] == "missing" else first["msg"]
    return SWEBenchError(f"{where}: field '{field}': {message}")


def read_instances(path: Path) -> list[tuple[int, Instance]]:
    """(line number, instance) for each non-blank line; SWEBenchError at the first bad line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SWEBenchError(f"{path}: cannot read: {exc}") from None
    found = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SWEBenchError(f"{where}: malformed JSON: {exc}") from None
        if not isinstance(data, dict):
            raise SWEBenchError(f"{where}: expected a JSON object, got {type(data).__name__}")
        try:
            found.append((number, Instance.model_validate(data)))
        except ValidationError as exc:
            raise _field_error(where, exc) from None
    return found


def task_id(instance_id: str) -> str:
    """A task id from an instance id: lowercase, other characters replaced by '-'."""
    slug = re.sub(r"[^a-z0-9._-]+", "-", instance_id.lower()).lstrip("._-")
    return slug or "instance"


def _git(args: list[str], cwd: Path | None = None, timeout: float = 300,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", **(env or {})}
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, timeout=timeout)


def _last_line(done: subprocess.CompletedProcess) -> str:
    text = (done.stderr or done.stdout or b"").decode(errors="replace").strip()
    return (text.splitlines() or ["no output"])[-1]


def find_clone(repos: Path, repo: str, where: str, git_url: str = DEFAULT_GIT_URL) -> Path:
    """A local clone of owner/name in `repos` (owner__name or name), cloned from `git_url` if absent."""
    owner, name = repo.split("/", 1)
    for candidate in (repos / f"{owner}__{name}", repos / name):
        if candidate.is_dir() and _git(["rev-parse", "--git-dir"], cwd=candidate).returncode == 0:
            return candidate
    target, url = repos / f"{owner}__{name}", git_url.format(repo=repo)
    try:
        repos.mkdir(parents=True, exist_ok=True)
        done = _git(["clone", "--quiet", url, str(target)], timeout=CLONE_TIMEOUT_S)
        failure = None if done.returncode == 0 else _last_line(done)
    except (OSError, subprocess.TimeoutExpired) as exc:
        failure = str(exc)
    if failure is not None:
        shutil.rmtree(target, ignore_errors=True)
        raise SWEBenchError(f"{where}: field 'repo': {repo} is not in {repos} (as {owner}__{name} or {name})"
                            f" and cloning {url} failed: {failure}")
    return target


def toml_basic(text: str) -> str:
    """A TOML basic string; JSON escapes are valid TOML, except that DEL must be escaped too."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_str(text: str) -> str:
    """A TOML string: multi-line literal when possible (readable), else a basic string."""
    bad = any(ord(ch) < 32 and ch not in "\n\t" or ch == "\x7f" for ch in text)
    if not bad and "'''" not in text and not text.endswith("'"):
        return "'''\n" + text + "'''"
    return toml_basic(text)


def _task_toml(instance: Instance, identifier: str) -> str:
    def ids(values: list[str]) -> str:
        return "[\n" + "".join(f"  {toml_basic(value)},\n" for value in values) + "]"

    meta = {"source": "swe-bench", "instance_id": instance.instance_id, "repo": instance.repo,
            "base_commit": instance.base_commit}
    return "\n".join([
        f"id = {toml_basic(identifier)}", f"statement = {toml_str(instance.problem_statement)}",
        'solution = "solution.patch"', 'test_patch = "test.patch"',
        f"fail_to_pass = {ids(instance.FAIL_TO_PASS)}", f"pass_to_pass = {ids(instance.PASS_TO_PASS)}",
        "", "[metadata]", *(f"{key} = {toml_basic(value)}" for key, value in meta.items()), ""])


def _write_repo(clone: Path, commit: str, dest: Path, where: str) -> None:
    """The tree at `commit` without history, written through a scratch index.

    Not `git archive`: it drops `export-ignore` paths, which are often the tests.
    """
    done = _git(["cat-file", "-e", f"{commit}^{{commit}}"], cwd=clone)
    if done.returncode != 0:
        raise SWEBenchError(f"{where}: field 'base_commit': {commit} is not a commit of {clone}")
    dest.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="harvester-index-") as scratch:
        index = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        done = _git(["read-tree", commit], cwd=clone, env=index, timeout=CLONE_TIMEOUT_S)
        if done.returncode == 0:
            done = _git(["checkout-index", "--all", f"--prefix={dest.resolve()}/"], cwd=clone, env=index,
                        timeout=CLONE_TIMEOUT_S)
    if done.returncode != 0:
        raise SWEBenchError(f"{where}: field 'base_commit': cannot write the tree of {commit}: {_last_line(done)}")


def import_instance(instance: Instance, repos: Path, out: Path, where: str, git_url: str = DEFAULT_GIT_URL,
                    force: bool = False) -> Path:
    """Write `out/<task id>/` for one instance (staged, then moved in place) and return it."""
    identifier = task_id(instance.instance_id)
    final = out / identifier
    if final.exists() and not force:
        raise SWEBenchError(f"{where}: field 'instance_id': {final} already exists (use --force to replace it)")
    clone = find_clone(repos, instance.repo, where, git_url)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".import-{identifier}-", dir=out) as staging:
        task_dir = Path(staging) / identifier
        _write_repo(clone, instance.base_commit, task_dir / "repo", where)
        (task_dir / "solution.patch").write_text(instance.patch, encoding="utf-8")
        (task_dir / "test.patch").write_text(instance.test_patch, encoding="utf-8")
        (task_dir / TASK_FILE).write_text(_task_toml(instance, identifier), encoding="utf-8")
        try:
            load_task(task_dir)
        except TaskError as exc:
            raise SWEBenchError(f"{where}: {exc}") from None
        if final.exists():
            shutil.rmtree(final)
        task_dir.rename(final)
    return final
