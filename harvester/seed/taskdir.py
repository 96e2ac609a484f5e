"""Write a validated candidate as a task directory: repo/ (buggy, revealing tests hidden), hidden/, solution, toml."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from harvester.seed.candidates import PAIR, Candidate, git_diff
from harvester.seed.project import Project
from harvester.seed.seedrun import Check
from harvester.swebench import toml_basic, toml_str
from harvester.task import TASK_FILE, Task, load_task

Meta = dict[str, str | int | float | bool]
_IGNORE = shutil.ignore_patterns("__pycache__", ".pytest_cache", "*.pyc")


def task_id(project: Project, candidate: Candidate) -> str:
    """`<project>-<modifier>-<short hash>`."""
    return f"{project.name}-{candidate.modifier}-{candidate.key[:8]}"


def _ids(values: list[str]) -> str:
    return "[\n" + "".join(f"  {toml_basic(value)},\n" for value in values) + "]"


def _value(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, (int, float)) else toml_basic(value)


def task_toml(identifier: str, project: Project, candidate: Candidate, check: Check, statement: str,
              metadata: Meta, timeout_s: int) -> str:
    kind = "multi-site" if candidate.modifier == PAIR else "single-site"
    return "\n".join([
        f"id = {toml_basic(identifier)}", f'kind = "{kind}"', 'test_command = "python -m pytest -q"',
        f"statement = {toml_str(statement)}", f"fail_to_pass = {_ids(check.fail_to_pass)}",
        f"pass_to_pass = {_ids(check.pass_to_pass)}", "", "[environment]", 'python = "3.11"',
        f"dependencies = {_ids(project.dependencies)}", "", "[limits]", f"test_timeout_s = {timeout_s}", "",
        "[metadata]", *(f"{key} = {_value(value)}" for key, value in metadata.items()), ""])


def _fill(task_dir: Path, project: Project, candidate: Candidate, check: Check) -> None:
    repo = task_dir / "repo"
    shutil.copytree(project.root, repo, ignore=_IGNORE, symlinks=True)
    (repo / candidate.file).write_text(candidate.text, encoding="utf-8", errors="surrogateescape")
    for path, text in check.visible.items():
        (repo / path).write_text(text, encoding="utf-8", errors="surrogateescape")
        hidden = task_dir / "hidden" / path
        hidden.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(project.root / path, hidden)
    (task_dir / "solution.patch").write_text(solution_of(project, candidate), encoding="utf-8",
                                             errors="surrogateescape")


def write_task(out: Path, project: Project, candidate: Candidate, check: Check, statement: str, metadata: Meta,
               timeout_s: int) -> Task:
    """Stage the task directory next to its final place, load it back (the format's own checks), move it in."""
    identifier = task_id(project, candidate)
    final = out / identifier
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".seed-{identifier}-", dir=out) as staging:
        task_dir = Path(staging) / identifier
        task_dir.mkdir()
        _fill(task_dir, project, candidate, check)
        text = task_toml(identifier, project, candidate, check, statement, metadata, timeout_s)
        (task_dir / TASK_FILE).write_text(text, encoding="utf-8")
        load_task(task_dir)
        if final.exists():
            shutil.rmtree(final)
        task_dir.rename(final)
    return load_task(final)


def solution_of(project: Project, candidate: Candidate) -> str:
    """The reverse diff (buggy -> clean) that becomes solution.patch."""
    clean = (project.root / candidate.file).read_text(encoding="utf-8", errors="surrogateescape")
    return git_diff(candidate.file, candidate.text, clean)
