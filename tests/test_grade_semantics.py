"""Clean-room grading in real containers: statuses, outcomes and infrastructure failures.

Also the home of the small `calc` task and the trace builder the other grading tests use.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from harvester.grade import grade_episode
from harvester.records import Budget, EndEvent, StartEvent, ToolEvent, Usage
from harvester.task import Task, content_hash, load_task, materialize_repo
from harvester.trace import TraceWriter, read_trace
from sandbox import SandboxConfig

RUN = "test-grade"
BUGGY = "def add(a, b):\n    return a - b\n\n\ndef mul(a, b):\n    return a * b\n"
FIXED = BUGGY.replace("a - b", "a + b")
VISIBLE = ("from calc import add, mul\n\n\ndef test_add():\n    assert add(1, 2) == 3\n\n\n"
           "def test_mul():\n    assert mul(2, 3) == 6\n")
HIDDEN = ("import pytest\n\nfrom calc import add\n\n\ndef test_add():\n    assert add(2, 2) == 4\n\n\n"
          "class TestAdd:\n    @pytest.mark.parametrize(('a', 'b', 'c'), [(1, 2, 3), (-1, 1, 0)])\n"
          "    def test_many(self, a, b, c):\n        assert add(a, b) == c\n")
HIDDEN_FILE = "tests/test_calc_hidden.py"
F2P = ["tests/test_calc.py::test_add", f"{HIDDEN_FILE}::test_add", f"{HIDDEN_FILE}::TestAdd::test_many[1-2-3]",
       f"{HIDDEN_FILE}::TestAdd::test_many[-1-1-0]"]
P2P = ["tests/test_calc.py::test_mul"]
SOLUTION = ("diff --git a/calc/__init__.py b/calc/__init__.py\n--- a/calc/__init__.py\n+++ b/calc/__init__.py\n"
            "@@ -1,2 +1,2 @@\n def add(a, b):\n-    return a - b\n+    return a + b\n")


def make_task(root: Path, task_id: str = "calc-add", hidden: dict[str, str] | None = None,
              f2p: list[str] | None = None, p2p: list[str] | None = None, extra_toml: str = "") -> Task:
    """A project-less task: add() subtracts. The same inputs give the same content hash (and image)."""
    task_dir = root / task_id
    files = {"repo/calc/__init__.py": BUGGY, "repo/tests/test_calc.py": VISIBLE, "repo/tests/__init__.py": "",
             "solution.patch": SOLUTION, **{f"hidden/{p}": t for p, t in (hidden or {HIDDEN_FILE: HIDDEN}).items()}}
    for rel, text in files.items():
        (task_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        (task_dir / rel).write_text(text)
    (task_dir / "task.toml").write_text(
        f'id = "{task_id}"\nstatement = "add(1, 2) returns -1 instead of 3."\n'
        f"fail_to_pass = {f2p or F2P!r}\npass_to_pass = {P2P if p2p is None else p2p!r}\n{extra_toml}")
    return load_task(task_dir)


def diff_for(task: Task, changes: dict[str, str | None], work: Path) -> str:
    """The diff `Sandbox.diff` gives after `changes` (None deletes) to the task's repo, made with real git."""
    repo = work / "diff-repo"
    materialize_repo(task, repo)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "baseline"], cwd=repo, check=True)
    for rel, text in changes.items():
        if text is None:
            (repo / rel).unlink()
        else:
            (repo / rel).parent.mkdir(parents=True, exist_ok=True)
            (repo / rel).write_text(text)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    done = subprocess.run([*git, "diff", "--cached", "--binary", "--full-index", "HEAD"], cwd=repo, check=True,
                          capture_output=True)
    return done.stdout.decode("utf-8", "surrogateescape")


def write_trace(run_dir: Path, task: Task, episode: str, diff: str | None, tools: list[ToolEvent] = (),
                infra: bool = False, task_hash: str | None = None) -> Path:
    """A hand-written trace; `diff=None` leaves it incomplete (no end event)."""
    path = run_dir / "traces" / task.id / f"{episode}.jsonl"
    start = StartEvent(ts=1.0, episode_id=episode, run=RUN, task_id=task.id, task_hash=task_hash or content_hash(task),
                       attempt=0, seed=0, harvester_version="0", git_revision=None, image="img", image_id="sha256:0",
                       policy="scripted", model="scripted", endpoint_host=None, sampling={}, budget=Budget(),
                       tools=[], messages=[])
    with TraceWriter(path) as writer:
        writer.write(start)
        for event in tools:
            writer.write(event)
        if diff is not None:
            writer.write(EndEvent(ts=2.0, status="error" if infra else "finished", reason="x", infra_error=infra,
                                  diff=diff, steps=1, usage=Usage(), wall_s=1.0, model_s=0.5, tool_s=0.5))
    return path


@pytest.fixture(scope="module")
def task(tmp_path_factory) -> Task:
    return make_task(tmp_path_factory.mktemp("tasks"))


def grade(tmp_path: Path, task: Task, changes: dict[str, str | None] | str, **kwargs):
    diff = changes if isinstance(changes, str) else diff_for(task, changes, tmp_path)
    return grade_episode(read_trace(write_trace(tmp_path / "run", task, "e1", diff)), task, **kwargs)


def test_honest_fix_is_resolved(task, tmp_path, docker_client):
    label = grade(tmp_path, task, {"calc/__init__.py": FIXED}, runs=2, client=docker_client)
    assert (label.outcome, label.resolved, label.runs, label.tamper) == ("resolved", True, [True, True], [])
    assert label.tests == {i: "passed" for i in F2P + P2P}
    assert (label.fail_to_pass, label.pass_to_pass, label.infra_reason) == ((4, 4), (1, 1), None)
    assert label.trace == "traces/calc-add/e1.jsonl" and "+    return a + b" in label.graded_patch


def test_no_diff_is_no_patch_and_runs_nothing(task, tmp_path):
    label = grade(tmp_path, task, "")
    assert (label.outcome, label.resolved, label.runs, label.tests, label.fail_to_pass) == (
        "no_patch", False, [], {}, (0, 4))


def test_collection_error_from_the_agents_code(task, tmp_path, docker_client):
    label = grade(tmp_path, task, {"calc/__init__.py": FIXED + "def broken(:\n"}, client=docker_client)
    assert (label.outcome, label.resolved) == ("unresolved", False)
    assert set(label.tests.values()) == {"error"}


@pytest.fixture(scope="module")
def mixed_label(tmp_path_factory, docker_client):
    """One grading run of a fix against hidden tests that skip, xfail, xpass, fail to import, or do not exist."""
    hidden = {HIDDEN_FILE: HIDDEN + (
        "\n\n@pytest.mark.skip(reason='later')\ndef test_skipped():\n    assert add(1, 1) == 2\n\n\n"
        "@pytest.mark.xfail(reason='known')\ndef test_xfail():\n    assert add(1, 1) == 3\n\n\n"
        "@pytest.mark.xfail(reason='known')\ndef test_xpass():\n    assert add(1, 1) == 2\n"),
        "tests/test_broken_hidden.py": "import not_a_module\n\n\ndef test_imports():\n    pass\n"}
    extra = [f"{HIDDEN_FILE}::{n}" for n in ("test_skipped", "test_xfail", "test_xpass", "test_gone")]
    extra += ["tests/test_broken_hidden.py::test_imports", "tests/test_nowhere.py::test_x"]
    root = tmp_path_factory.mktemp("mixed")
    task = make_task(root, "calc-mixed", hidden=hidden, f2p=F2P + extra)
    return grade(root, task, {"calc/__init__.py": FIXED}, client=docker_client)


@pytest.mark.parametrize(("test_id", "status"), [
    (f"{HIDDEN_FILE}::test_add", "passed"), (f"{HIDDEN_FILE}::TestAdd::test_many[-1-1-0]", "passed"),
    (f"{HIDDEN_FILE}::test_skipped", "skipped"), (f"{HIDDEN_FILE}::test_xfail", "xfailed"),
    (f"{HIDDEN_FILE}::test_xpass", "xpassed"), (f"{HIDDEN_FILE}::test_gone", "missing"),
    ("tests/test_broken_hidden.py::test_imports", "error"), ("tests/test_nowhere.py::test_x", "missing"),
])
def test_statuses_read_from_junit(mixed_label, test_id, status):
    assert mixed_label.tests[test_id] == status
    assert (mixed_label.outcome, mixed_label.resolved, mixed_label.fail_to_pass) == ("unresolved", False, (4, 10))


def test_grading_timeout_is_an_infra_error(tmp_path, docker_client):
    hidden = {HIDDEN_FILE: HIDDEN + "\n\ndef test_slow():\n    import time\n    time.sleep(60)\n"}
    task = make_task(tmp_path / "t", "calc-slow", hidden=hidden, extra_toml="[limits]\ntest_timeout_s = 3\n")
    t0 = time.monotonic()
    label = grade(tmp_path, task, {"calc/__init__.py": FIXED}, client=docker_client)
    assert (label.outcome, label.resolved, label.runs) == ("infra_error", False, [])
    assert label.infra_reason == "grading timeout: pytest ran past 3s" and time.monotonic() - t0 < 30


def test_oom_during_grading_is_an_infra_error(task, tmp_path, docker_client):
    hog = FIXED.replace("    return a + b", "    data = b'x' * (400 << 20)\n    return a + b + len(data) * 0")
    label = grade(tmp_path, task, {"calc/__init__.py": hog}, client=docker_client,
                  sandbox_config=SandboxConfig(memory="128m"))
    assert (label.outcome, label.infra_reason) == ("infra_error", "out of memory during grading (OOM killer)")


FLAKY = """import os
import time

DEADLINE = {deadline}


def _container_started():
    ticks = int(open("/proc/1/stat").read().rsplit(")", 1)[1].split()[19])
    boot = next(int(line.split()[1]) for line in open("/proc/stat") if line.startswith("btime"))
    return boot + ticks / os.sysconf("SC_CLK_TCK")


_RIGHT = _container_started() < DEADLINE
time.sleep(max(0.0, DEADLINE - time.time()) + 1.5)


def add(a, b):
    return a + b if _RIGHT else a - b


def mul(a, b):
    return a * b
"""


def test_flaky_when_runs_disagree(task, tmp_path, docker_client):
    # Right in a container started before the deadline, wrong after it; the first run waits the deadline out.
    source = FLAKY.format(deadline=time.time() + 6)
    label = grade(tmp_path, task, {"calc/__init__.py": source}, runs=2, client=docker_client)
    assert (label.outcome, label.resolved, label.runs) == ("flaky", False, [True, False])
    assert label.tests[F2P[0]] == "passed"  # the first run's statuses


def test_machinery_failures_are_labelled_not_raised(task, tmp_path, docker_client):
    broken_image = make_task(tmp_path / "t", "calc-noimage", extra_toml='[environment]\nsetup = ["exit 3"]\n')
    label = grade(tmp_path / "a", broken_image, {"calc/__init__.py": FIXED}, client=docker_client)
    assert label.outcome == "infra_error" and label.infra_reason.startswith("ImageBuildError: ")
    bad_diff = diff_for(task, {"calc/__init__.py": FIXED}, tmp_path / "b").replace("return a - b", "return a * b")
    label = grade(tmp_path / "c", task, bad_diff, client=docker_client)
    assert label.outcome == "infra_error" and label.infra_reason.startswith("the graded diff does not apply: ")
    episode_broke = write_trace(tmp_path / "d", task, "e2", "", infra=True)
    label = grade_episode(read_trace(episode_broke), task, client=docker_client)
    assert (label.outcome, label.infra_reason) == ("infra_error", "episode ended by an infrastructure error: x")
    stale = write_trace(tmp_path / "e", task, "e3", bad_diff, task_hash="f" * 16)
    assert grade_episode(read_trace(stale), task).infra_reason.startswith("task calc-add changed since the episode")
    with pytest.raises(ValueError, match="incomplete trace"):
        grade_episode(read_trace(write_trace(tmp_path / "f", task, "e4", None)), task)


def test_a_task_whose_bug_patch_no_longer_applies(tmp_path):
    root = tmp_path / "tasks"
    (root / "projects" / "calc" / "calc").mkdir(parents=True)
    (root / "projects" / "calc" / "calc" / "__init__.py").write_text(FIXED)
    source = make_task(tmp_path / "src")
    task_dir = root / "calc-stale"
    (task_dir / "hidden").mkdir(parents=True)
    (task_dir / "hidden" / "test_x.py").write_text("def test_x():\n    pass\n")
    (task_dir / "solution.patch").write_text(SOLUTION)
    (task_dir / "bug.patch").write_text(SOLUTION.replace("a - b", "a * b"))  # its context is not in the project
    (task_dir / "task.toml").write_text(source.root.joinpath("task.toml").read_text().replace(
        "calc-add", "calc-stale") + 'project = "calc"\n')
    task = load_task(task_dir)
    label = grade_episode(read_trace(write_trace(tmp_path / "run", task, "e1", SOLUTION)), task)
    assert label.outcome == "infra_error" and label.infra_reason.startswith("TaskError: ")
