"""Task validation against real containers: a good task, deliberately broken ones, and every shipped task."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from harvester import cli
from harvester.images import task_image
from harvester.leaks import history_problems, statement_leaks
from harvester.task import TaskError, discover, load_task
from harvester.validate import validate_tasks
from sandbox import Sandbox

RUN = "test-validate"
TASK_REPOS = Path(__file__).resolve().parents[1] / "task_repos"
F2P = "tests/test_calc_hidden.py::test_add"
P2P = ["tests/test_calc.py::test_mul", "tests/test_calc_hidden.py::TestMul::test_zero[0]"]
CALC = "def add(a, b):\n    return a - b\n\n\ndef mul(a, b):\n    return a * b\n"
VISIBLE = "from calc import mul\n\n\ndef test_mul():\n    assert mul(2, 3) == 6\n"
HIDDEN = """\
import pytest

from calc import add, mul


def test_add():
    assert add(2, 3) == 5


class TestMul:
    @pytest.mark.parametrize("x", [0])
    def test_zero(self, x):
        assert mul(x, 7) == 0
"""
# Context lines of a unified diff start with a space, so blank lines of calc.py are written as " ".
SOLUTION = "\n".join(["diff --git a/calc.py b/calc.py", "--- a/calc.py", "+++ b/calc.py", "@@ -1,5 +1,5 @@",
                      " def add(a, b):", "-    return a - b", "+    return a + b", " ", " ", " def mul(a, b):", ""])
NO_FIX = SOLUTION.replace("-    return a - b\n+    return a + b", "-    return a - b\n+    return -b + a")
# A pass_to_pass test that fails on the second pytest process only: the counter lives outside the repo.
FLAKY = HIDDEN + """

def test_counter():
    import os
    path = "/tmp/flaky-counter"
    count = int(open(path).read()) + 1 if os.path.exists(path) else 1
    open(path, "w").write(str(count))
    assert count != 2
"""
STATEMENT = "Adding two numbers gives the wrong answer: `calc.add(2, 3)` returns -1, expected 5."


def _list(ids: list[str]) -> str:
    return "[" + ", ".join(f'"{node_id}"' for node_id in ids) + "]"


def make_task(root: Path, task_id: str, statement: str = STATEMENT, solution: str = SOLUTION,
              hidden: str = HIDDEN, f2p: list[str] | None = None, p2p: list[str] | None = None,
              repo_extra: dict[str, str] | None = None) -> Path:
    """A project-less task: task.toml + repo/ + hidden/ + solution.patch."""
    task = root / task_id
    toml = (f'id = "{task_id}"\nstatement = """{statement}"""\nkind = "single-site"\n'
            f"fail_to_pass = {_list(f2p or [F2P])}\npass_to_pass = {_list(P2P if p2p is None else p2p)}\n")
    files = {"repo/calc.py": CALC, "repo/tests/test_calc.py": VISIBLE, "hidden/tests/test_calc_hidden.py": hidden,
             "solution.patch": solution, "task.toml": toml,
             **{f"repo/{path}": text for path, text in (repo_extra or {}).items()}}
    for path, text in files.items():
        (task / path).parent.mkdir(parents=True, exist_ok=True)
        (task / path).write_text(text)
    return task


BROKEN = {
    "vt-good": {},
    "vt-no-fix": {"solution": NO_FIX},
    "vt-passes-at-base": {"f2p": P2P[1:], "p2p": P2P[:1]},
    "vt-flaky": {"hidden": FLAKY, "p2p": P2P + ["tests/test_calc_hidden.py::test_counter"]},
    "vt-statement-leak": {"statement": STATEMENT + "\nI think it should be\n\n    return a + b\n"},
    "vt-hidden-in-repo": {"repo_extra": {"tests/test_calc_hidden.py": HIDDEN}},
    "vt-f2p-visible": {"repo_extra": {"tests/test_more.py": HIDDEN.replace("class TestMul", "class TestOther")}},
}


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory, docker_client, base_image):
    root = tmp_path_factory.mktemp("tasks")
    tasks = [load_task(make_task(root, task_id, **kwargs)) for task_id, kwargs in BROKEN.items()]
    found = validate_tasks(tasks, runs=3, concurrency=2, client=docker_client, label=RUN)
    return {verdict.task_id: verdict for verdict in found}


def test_a_good_task_is_valid(verdicts):
    good = verdicts["vt-good"]
    assert (good.ok, good.reason, good.details) == (True, "", [])
    assert good.statuses["base"] == {F2P: "failed", P2P[0]: "passed", P2P[1]: "passed"}
    assert set(good.statuses["solution"].values()) == {"passed"}


def test_a_solution_that_does_not_fix(verdicts):
    verdict = verdicts["vt-no-fix"]
    assert not verdict.ok
    assert verdict.reason == f"fail_to_pass {F2P} is failed with the solution applied"


def test_fail_to_pass_already_passing_at_base(verdicts):
    verdict = verdicts["vt-passes-at-base"]
    assert not verdict.ok
    assert verdict.details == [f"fail_to_pass {P2P[1]} already passes at base"]


def test_a_test_failing_one_run_in_three_is_flaky(verdicts):
    verdict = verdicts["vt-flaky"]
    assert not verdict.ok
    assert verdict.reason == ("flaky (base): tests/test_calc_hidden.py::test_counter was passed in run 1"
                              " and failed in run 2")


def test_a_statement_that_pastes_the_fix(verdicts):
    verdict = verdicts["vt-statement-leak"]
    assert not verdict.ok
    assert verdict.details == ["statement contains a line of the solution: 'return a + b'"]


def test_hidden_tests_left_inside_the_repo(verdicts):
    verdict = verdicts["vt-hidden-in-repo"]
    assert not verdict.ok
    assert verdict.reason == ("the agent's repo contains hidden test tests/test_calc_hidden.py"
                              " (as tests/test_calc_hidden.py)")
    assert f"fail_to_pass test {F2P} is already visible in the agent's repo (tests/test_calc_hidden.py)" \
        in verdict.details


def test_a_fail_to_pass_test_copied_into_another_visible_file(verdicts):
    verdict = verdicts["vt-f2p-visible"]
    assert verdict.details == [f"fail_to_pass test {F2P} is already visible in the agent's repo (tests/test_more.py)"]


def test_statement_check_ignores_trivial_and_moved_lines():
    solution = "@@ -1,3 +1,3 @@\n-    x = compute(a)\n+    return\n+    x = compute(a)\n+    y = total + 1\n"
    assert statement_leaks("call return; x = compute(a) and total + 1", solution) == []
    assert statement_leaks("then   y =  total + 1 happens", solution) == ["y = total + 1"]


def test_history_beyond_the_baseline_commit_is_reported(tmp_path, docker_client):
    task = load_task(make_task(tmp_path, "vt-history"))
    image = task_image(docker_client, task)
    with Sandbox.start(image, labels={"harvester.run": RUN}, client=docker_client) as box:
        assert history_problems(box) == []
        box.exec("echo x >> calc.py && git commit -qam fix && git reset -q --hard HEAD~1 && git tag old HEAD@{1}")
        assert history_problems(box) == [
            "git history: 2 reachable commits in /repo (expected at most 1)",
            "git history: 2 refs in /repo (expected at most 1)",
            "git history: 2 commits in reflogs in /repo (expected at most 1)",
            "git history: 2 commit objects in /repo (expected at most 1)"]
        box.exec("git tag -d old && git reflog expire --expire=now --all")
        assert history_problems(box) == ["git history: 2 commit objects in /repo (expected at most 1)"]


@pytest.mark.parametrize("old, new, field, words", [
    ('fail_to_pass = ["tests/test_calc_hidden.py::test_add"]', 'fail_to_pass = "tests/test_calc_hidden.py::test_add"',
     "fail_to_pass", "valid list"),
    ('statement = """' + STATEMENT + '"""\n', "", "statement", "missing required field"),
])
def test_malformed_task_toml_names_file_and_field(tmp_path, capsys, old, new, field, words):
    task = make_task(tmp_path, "vt-malformed")
    toml = task / "task.toml"
    assert old in toml.read_text()
    toml.write_text(toml.read_text().replace(old, new))
    with pytest.raises(TaskError) as caught:
        load_task(task)
    assert str(caught.value).startswith(f"{toml}: field '{field}': ") and words in str(caught.value)
    assert cli.main(["tasks", "validate", str(task)]) == 1
    out, err = capsys.readouterr()
    assert err == f"harvester tasks validate: error: {caught.value}\n"
    assert "vt-malformed  invalid" in out and "0 ok, 1 invalid" in out


def test_validate_cli_prints_a_table_and_fails_on_an_invalid_task(tmp_path, capsys):
    make_task(tmp_path, "vt-cli-good")
    make_task(tmp_path, "vt-cli-no-fix", solution=NO_FIX)
    assert cli.main(["tasks", "validate", str(tmp_path), "--runs", "1"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["task", "status", "time", "reason"]
    assert any(line.startswith("vt-cli-good ") and line.split()[1] == "ok" for line in out.splitlines())
    assert "vt-cli-no-fix  invalid" in out and f"fail_to_pass {F2P} is failed with the solution" in out
    assert "2 task(s): 1 ok, 1 invalid; wall time" in out
    assert cli.main(["tasks", "validate", str(tmp_path / "vt-cli-good"), "--runs", "1"]) == 0


def test_every_shipped_task_is_valid(docker_client, base_image):
    tasks = discover([TASK_REPOS])
    assert len(tasks) >= 24, f"only {len(tasks)} tasks under {TASK_REPOS}"
    started = time.monotonic()
    found = validate_tasks(tasks, runs=3, concurrency=2, client=docker_client, label=RUN + "-shipped")
    elapsed = time.monotonic() - started
    print(f"validated {len(tasks)} shipped tasks in {elapsed:.1f}s")
    assert [f"{v.task_id}: {v.reason}" for v in found if not v.ok] == []
    assert elapsed < 600
