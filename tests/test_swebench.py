"""SWE-bench import: a tiny local repo with a bug commit and a fix commit, imported and validated for real."""

from __future__ import annotations

import json
import subprocess
import tomllib
from pathlib import Path

import pytest

from harvester import cli
from harvester.swebench import Instance, SWEBenchError, import_instance, read_instances, task_id
from harvester.task import load_task, read_solution, read_test_patch
from harvester.validate import validate_task

RUN = "test-swebench"
OPS_BUG = "def clamp(x, low, high):\n    return max(low, min(x, low))\n\n\ndef double(x):\n    return 2 * x\n"
OPS_FIX = OPS_BUG.replace("min(x, low)", "min(x, high)")
TESTS = "from mathlib.ops import clamp, double\n\n\ndef test_double():\n    assert double(4) == 8\n"
NEW_TEST = "\n\ndef test_clamp_inside():\n    assert clamp(5, 0, 10) == 5\n"
STATEMENT = "clamp() ignores the upper bound: clamp(5, 0, 10) gives 0 instead of 5.\nIt's in 1.2 too.\n"


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=repo, check=True,
                          capture_output=True, text=True)
    return done.stdout


def write(repo: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(text)


@pytest.fixture
def clone(tmp_path) -> tuple[Path, dict]:
    """repos/acme__mathlib with two commits, and the SWE-bench instance describing them."""
    repo = tmp_path / "repos" / "acme__mathlib"
    repo.mkdir(parents=True)
    git(repo, "init", "-q")
    # export-ignore on the tests: the import must still copy them (git archive would not).
    write(repo, {"mathlib/__init__.py": "", "mathlib/ops.py": OPS_BUG, "tests/test_ops.py": TESTS,
                 ".gitattributes": "/tests export-ignore\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "bug")
    write(repo, {"mathlib/ops.py": OPS_FIX, "tests/test_ops.py": TESTS + NEW_TEST})
    git(repo, "commit", "-qam", "fix clamp")
    base = git(repo, "rev-parse", "HEAD~1").strip()
    instance = {
        "instance_id": "Acme__MathLib-7", "repo": "acme/mathlib", "base_commit": base,
        "patch": git(repo, "diff", "HEAD~1", "HEAD", "--", "mathlib"),
        "test_patch": git(repo, "diff", "HEAD~1", "HEAD", "--", "tests"),
        "problem_statement": STATEMENT, "hints_text": "", "version": "1.2", "created_at": "2024-01-01",
        "FAIL_TO_PASS": json.dumps(["tests/test_ops.py::test_clamp_inside"]),
        "PASS_TO_PASS": ["tests/test_ops.py::test_double"],
    }
    return tmp_path / "repos", instance


def write_jsonl(path: Path, *lines: dict | str) -> Path:
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines))
    return path


def test_import_then_validate_in_a_real_container(tmp_path, clone, capsys, docker_client, base_image):
    repos, instance = clone
    source = write_jsonl(tmp_path / "instances.jsonl", instance)
    out = tmp_path / "tasks"
    assert cli.main(["tasks", "import-swebench", str(source), "--repos", str(repos), "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"Acme__MathLib-7 -> {out / 'acme__mathlib-7'}\n"
    task = load_task(out / "acme__mathlib-7")
    assert sorted(p.name for p in out.iterdir()) == ["acme__mathlib-7"]  # no staging leftovers
    assert (task.root / "repo" / "mathlib" / "ops.py").read_text() == OPS_BUG
    assert (task.root / "repo" / "tests" / "test_ops.py").read_text() == TESTS
    assert not (task.root / "repo" / ".git").exists() and not (task.root / "hidden").exists()
    assert (read_solution(task), read_test_patch(task)) == (instance["patch"], instance["test_patch"])
    assert (task.statement, task.fail_to_pass, task.pass_to_pass) == (
        STATEMENT, ["tests/test_ops.py::test_clamp_inside"], ["tests/test_ops.py::test_double"])
    assert task.metadata == {"source": "swe-bench", "instance_id": "Acme__MathLib-7", "repo": "acme/mathlib",
                             "base_commit": instance["base_commit"]}
    verdict = validate_task(task, runs=2, client=docker_client, label=RUN)
    assert (verdict.ok, verdict.reason) == (True, "")
    assert verdict.statuses["base"] == {"tests/test_ops.py::test_clamp_inside": "failed",
                                        "tests/test_ops.py::test_double": "passed"}


def test_an_imported_task_whose_fix_is_already_in_the_repo_is_invalid(tmp_path, clone, docker_client):
    repos, instance = clone
    head = git(repos / "acme__mathlib", "rev-parse", "HEAD").strip()
    fixed = Instance.model_validate({**instance, "instance_id": "mathlib-fixed", "base_commit": head})
    task = load_task(import_instance(fixed, repos, tmp_path / "tasks", "x.jsonl:1"))
    verdict = validate_task(task, runs=1, client=docker_client, label=RUN)
    assert verdict.details[:2] == ["the agent's repo already contains the solution (it applies in reverse)",
                                   "the agent's repo already contains test_patch (it applies in reverse)"]


def test_repo_found_by_name_and_existing_task_needs_force(tmp_path, clone):
    repos, instance = clone
    (repos / "acme__mathlib").rename(repos / "mathlib")
    out = tmp_path / "tasks"
    first = import_instance(read_instances(write_jsonl(tmp_path / "a.jsonl", instance))[0][1], repos, out, "a:1")
    assert (first / "repo" / "mathlib" / "ops.py").read_text() == OPS_BUG
    with pytest.raises(SWEBenchError, match=r"^a:1: field 'instance_id': .* already exists \(use --force"):
        import_instance(read_instances(tmp_path / "a.jsonl")[0][1], repos, out, "a:1")
    assert import_instance(read_instances(tmp_path / "a.jsonl")[0][1], repos, out, "a:1", force=True) == first


def test_task_ids_are_sanitized():
    assert task_id("Acme__MathLib-7") == "acme__mathlib-7"
    assert task_id("owner/repo: fix #12") == "owner-repo-fix-12"
    assert task_id("__x") == "x"


@pytest.mark.parametrize("line, message", [
    ("{not json", "{file}:2: malformed JSON: "),
    ("[1, 2]", "{file}:2: expected a JSON object, got list"),
    ("drop:patch", "{file}:2: field 'patch': missing"),
    ("drop:FAIL_TO_PASS", "{file}:2: field 'FAIL_TO_PASS': missing"),
    ("set:FAIL_TO_PASS=[oops", "{file}:2: field 'FAIL_TO_PASS': Value error, not a JSON-encoded list of test ids"),
    ("set:base_commit=main", "{file}:2: field 'base_commit': String should match pattern"),
])
def test_bad_lines_name_the_file_line_and_field(tmp_path, clone, capsys, line, message):
    repos, instance = clone
    if line.startswith("drop:"):
        line = {key: value for key, value in instance.items() if key != line[5:]}
    elif line.startswith("set:"):
        key, value = line[4:].split("=", 1)
        line = {**instance, key: value}
    source = write_jsonl(tmp_path / "bad.jsonl", instance, line)
    expected = message.format(file=source)
    with pytest.raises(SWEBenchError) as caught:
        read_instances(source)
    assert str(caught.value).startswith(expected) and "\n" not in str(caught.value)
    assert cli.main(["tasks", "import-swebench", str(source), "--repos", str(repos), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"harvester tasks: error: {expected}") and err.count("\n") == 1


def test_unknown_repo_and_commit_are_one_line_errors(tmp_path, clone, capsys):
    repos, instance = clone
    source = write_jsonl(tmp_path / "in.jsonl", {**instance, "repo": "acme/nowhere"},
                         {**instance, "instance_id": "other", "base_commit": "0" * 40}, instance)
    out = tmp_path / "tasks"
    args = ["tasks", "import-swebench", str(source), "--repos", str(repos), "--out", str(out),
            "--git-url", str(tmp_path / "mirror" / "{repo}")]
    assert cli.main(args) == 1
    captured = capsys.readouterr()
    errors = captured.err.splitlines()
    assert len(errors) == 2
    assert errors[0].startswith(f"harvester tasks import-swebench: error: {source}:1: field 'repo': acme/nowhere"
                                f" is not in {repos} (as acme__nowhere or nowhere) and cloning"
                                f" {tmp_path / 'mirror' / 'acme/nowhere'} failed: ")
    assert errors[1].startswith(f"harvester tasks import-swebench: error: {source}:2: field 'base_commit': "
                                f"{'0' * 40} is not a commit of {repos / 'acme__mathlib'}")
    assert captured.out == f"Acme__MathLib-7 -> {out / 'acme__mathlib-7'}\n"
    assert not (repos / "acme__nowhere").exists()
    assert tomllib.loads((out / "acme__mathlib-7" / "task.toml").read_text())["statement"] == STATEMENT
