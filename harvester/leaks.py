"""Checks that a task hides what it must: the fix from its statement, hidden tests and history from the repo."""

from __future__ import annotations

import ast
import hashlib
import re
import shlex

from harvester import pysource
from harvester.junit import id_file
from harvester.task import Task, hidden_files, read_solution, read_test_patch
from sandbox import Sandbox

REPO = "/repo"
MIN_LINE_CHARS = 8
TRIVIAL_LINES = {"pass", "return", "continue", "break", "else:", "try:", "finally:", "return None", "return True",
                 "return False", "return result", "}", "{", ")", "]", "),", "],", "},", "*/", '"""', "'''"}
_HUNK = re.compile(r"^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")
_TEST_DEF = re.compile(r"^\s*(?:async\s+)?def\s+test", re.MULTILINE)


def _changed_lines(patch: str) -> tuple[list[str], set[str]]:
    """(added lines, removed lines) of a unified diff, read by hunk line counts."""
    added, removed = [], set()
    old = new = 0
    for line in patch.splitlines():
        if old <= 0 and new <= 0:
            match = _HUNK.match(line)
            if match:
                old, new = (int(n) if n is not None else 1 for n in match.groups())
            continue
        if line.startswith("+"):
            added.append(line[1:].strip())
            new -= 1
        elif line.startswith("-"):
            removed.add(line[1:].strip())
            old -= 1
        elif line.startswith("\\"):
            continue
        else:
            old, new = old - 1, new - 1
    return added, removed


def _squash(text: str) -> str:
    return " ".join(text.split())


def statement_leaks(statement: str, solution: str) -> list[str]:
    """Added lines of the solution (not trivial, not merely moved) that the statement contains."""
    added, removed = _changed_lines(solution)
    text = _squash(statement)
    leaks = []
    for line in dict.fromkeys(added):
        if len(line) < MIN_LINE_CHARS or line in TRIVIAL_LINES or line in removed:
            continue
        if _squash(line) in text:
            leaks.append(line)
    return leaks


def history_problems(sandbox: Sandbox, repo: str = REPO) -> list[str]:
    """The repo must hold one baseline commit and nothing else to mine (refs, stash, reflog, loose commits)."""
    script = ("git rev-parse --git-dir >/dev/null || exit 3; "
              "echo commits $(git rev-list --all --count); echo refs $(git for-each-ref | wc -l); "
              "echo stash $(git stash list | wc -l); echo reflog $(git log -g --all --format=%H | sort -u | wc -l); "
              "echo objects $(git cat-file --batch-all-objects --batch-check='%(objecttype)' | grep -c '^commit$')")
    done = sandbox.exec(script, workdir=repo, timeout=120)
    if done.exit_code != 0:
        return [f"{repo} is not a git repository (exit {done.exit_code})"]
    counts = {key: int(value) for key, value in (line.split() for line in done.output.splitlines() if line.strip())}
    limits = {"commits": 1, "refs": 1, "stash": 0, "reflog": 1, "objects": 1}
    wording = {"commits": "reachable commits", "refs": "refs", "stash": "stash entries",
               "reflog": "commits in reflogs", "objects": "commit objects"}
    return [f"git history: {counts[key]} {wording[key]} in {repo} (expected at most {limit})"
            for key, limit in limits.items() if counts.get(key, 0) > limit]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_leaks(sandbox: Sandbox, task: Task, repo: str = REPO) -> list[str]:
    """Hidden test files or the solution present in the agent's repo (same content anywhere, or by name)."""
    wanted = {_sha(data): f"hidden test {path}" for path, data in hidden_files(task).items()
              if _TEST_DEF.search(data.decode("utf-8", errors="replace"))}
    wanted[_sha(read_solution(task).encode())] = "the solution patch"
    sandbox.write_file("/tmp/.harvester-wanted", "".join(f"{digest}\n" for digest in wanted))
    names = sorted({"solution.patch", task.solution.rsplit("/", 1)[-1]})
    find_names = " -o ".join(f"-name {shlex.quote(name)}" for name in names)
    script = ("find . -path ./.git -prune -o -type f -print0 | xargs -0 -r sha256sum"
              " | grep -F -f /tmp/.harvester-wanted; "
              f"find . -path ./.git -prune -o -type f \\( {find_names} \\) -print | sed 's/^/name /'; true")
    done = sandbox.exec(script, workdir=repo, timeout=300)
    problems = []
    for line in done.output.splitlines():
        if line.startswith("name "):
            problems.append(f"the agent's repo contains a solution file: {line[5:].removeprefix('./')}")
        elif "  " in line:
            digest, path = line.split("  ", 1)
            what = wanted.get(digest, "a hidden file")
            problems.append(f"the agent's repo contains {what} (as {path.removeprefix('./')})")
    return problems + _reverse_applies(sandbox, task, repo)


def _reverse_applies(sandbox: Sandbox, task: Task, repo: str) -> list[str]:
    """A patch that applies in reverse is already in the repo."""
    problems = []
    for what, patch in (("the solution", read_solution(task)), ("test_patch", read_test_patch(task) or "")):
        if not patch.strip():
            continue
        sandbox.write_file("/tmp/.harvester-reverse.diff", patch if patch.endswith("\n") else patch + "\n")
        done = sandbox.exec(["git", "apply", "--check", "-R", "/tmp/.harvester-reverse.diff"], workdir=repo)
        if done.exit_code == 0:
            problems.append(f"the agent's repo already contains {what} (it applies in reverse)")
    return problems


def _function_names(node_ids: list[str]) -> dict[str, str]:
    """Function name -> node id, for plain test ids."""
    names = {}
    for node_id in node_ids:
        name = node_id.partition("[")[0].split("::")[-1]
        if re.fullmatch(r"\w+", name):
            names.setdefault(name, node_id)
    return names


def visible_defs(sandbox: Sandbox, fail_to_pass: list[str], repo: str = REPO) -> dict[str, bytes]:
    """Repo .py files (path -> content) defining a fail_to_pass test's name; read before hidden tests go in."""
    names = sorted(_function_names(fail_to_pass))
    if not names:
        return {}
    pattern = rf"def ({'|'.join(names)})\b"
    done = sandbox.exec(["grep", "-rlE", "--include=*.py", "--exclude-dir=.git", pattern, "."], workdir=repo)
    paths = [line.removeprefix("./") for line in done.output.splitlines() if line.strip()][:200]
    return {path: sandbox.read_file(f"{repo}/{path}") for path in paths}


def _defs(source: bytes, name: str) -> list[str]:
    try:
        tree = pysource.parse(source)
    except (SyntaxError, ValueError):
        return []
    return [ast.dump(node) for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name]


def fail_to_pass_leaks(sandbox: Sandbox, fail_to_pass: list[str], before: dict[str, bytes],
                       repo: str = REPO) -> list[str]:
    """fail_to_pass tests whose code (same AST) was already in the repo the agent sees."""
    problems = []
    for name, node_id in _function_names(fail_to_pass).items():
        try:
            hidden = _defs(sandbox.read_file(f"{repo}/{id_file(node_id)}"), name)
        except FileNotFoundError:
            continue
        for path, source in before.items():
            if set(hidden) & set(_defs(source, name)):
                problems.append(f"fail_to_pass test {node_id} is already visible in the agent's repo ({path})")
                break
    return problems
