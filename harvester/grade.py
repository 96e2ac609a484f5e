"""Clean-room grading: the agent's source diff plus the hidden tests in a fresh container, read from JUnit XML.

Contract of `grade_episode`: the agent's container is never trusted. Only the final diff of a complete
trace is used, with tests and test infrastructure left out (and flagged); the verdict comes from a new
container of the task image. Machinery failures become an `infra_error` label, never an exception.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import docker

from harvester.errors import TraceError
from harvester.images import task_image
from harvester.junit import parse_junit
from harvester.records import Label, TestStatus
from harvester.tamper import Baseline, baseline_of, filter_diff, trace_flags
from harvester.task import Task, TaskError, content_hash, hidden_files, read_test_patch
from harvester.testrun import JUNIT, TestRun, prepare, run_pytest
from harvester.trace import Trace
from sandbox import LABEL_EPISODE, LABEL_RUN, Sandbox, SandboxConfig, SandboxError, connect
from sandbox.shell import StreamClosed  # escapes Sandbox.start when the container dies while starting

AGENT_PATCH = "/tmp/.harvester-agent.diff"
_IDS = re.compile(r"\b[0-9a-f]{12,64}\b")
_SECONDS = re.compile(r"\b\d+(\.\d+)?s\b")


def grade_episode(trace: Trace, task: Task, runs: int = 1, client: docker.DockerClient | None = None,
                  sandbox_config: SandboxConfig | None = None) -> Label:
    """Grade one finished episode `runs` times in fresh containers; TraceError if the trace is incomplete."""
    if trace.end is None:
        raise TraceError(f"{trace.path}: incomplete trace (no end event); it is not graded")
    t0 = time.monotonic()
    broken = None
    try:
        base = baseline_of(task)
    except TaskError as exc:  # its bug.patch no longer applies: the task is broken, not the episode
        base, broken = Baseline(frozenset(), frozenset(), {}), f"TaskError: {exc}"
    filtered = filter_diff(trace.end.diff, base)
    flags = set(filtered.flags) | trace_flags(trace.tool_events, base)
    head = dict(episode_id=trace.start.episode_id, task_id=task.id, trace=_trace_name(trace.path),
                tamper=sorted(flags), graded_patch=filtered.patch, excluded_paths=filtered.excluded)
    ids = list(dict.fromkeys(task.fail_to_pass + task.pass_to_pass))
    reason = broken or _refusal(trace, task)
    results: list[TestRun] = []
    if reason is None and not filtered.patch.strip() and not trace.end.diff.strip():
        return _label(head, task, [], "no_patch", None, t0)
    if reason is None:
        labels = {LABEL_RUN: trace.start.run, LABEL_EPISODE: f"{trace.start.episode_id}.grade"}
        reason = _grade_runs(task, filtered.patch, ids, max(1, runs), labels, client, sandbox_config, results)
    if reason is not None:
        return _label(head, task, results, "infra_error", reason, t0)
    verdicts = {tuple(sorted(r.statuses.items())) for r in results}
    if len(verdicts) > 1:
        return _label(head, task, results, "flaky", None, t0)
    resolved = all(status == "passed" for status in results[0].statuses.values())
    return _label(head, task, results, "resolved" if resolved else "unresolved", None, t0)


def _refusal(trace: Trace, task: Task) -> str | None:
    """Why the episode cannot be graded at all (the label is then infra_error)."""
    if trace.end is not None and trace.end.infra_error:
        return f"episode ended by an infrastructure error: {_stable(trace.end.reason)}"
    if trace.start.task_hash != content_hash(task):
        return f"task {task.id} changed since the episode (hash {trace.start.task_hash} != {content_hash(task)})"
    return None


def _grade_runs(task: Task, patch: str, ids: list[str], runs: int, labels: dict[str, str],
                client: docker.DockerClient | None, config: SandboxConfig | None, results: list[TestRun]) -> str | None:
    """Run the grading `runs` times, appending each TestRun; returns why the machinery failed, if it did."""
    try:
        client = client or connect()
        image = task_image(client, task, log=lambda _message: None)
        for _ in range(runs):
            with Sandbox.start(image, labels=labels, config=config, client=client) as box:
                reason = _grade_once(box, task, patch, ids, results)
            if reason is not None:
                return reason
    except (SandboxError, StreamClosed, TaskError) as exc:  # ImageBuildError and SandboxDead are SandboxErrors
        return f"{type(exc).__name__}: {_stable(str(exc))}"
    return None


def _grade_once(box: Sandbox, task: Task, patch: str, ids: list[str], results: list[TestRun]) -> str | None:
    if patch.strip():
        box.write_file(AGENT_PATCH, patch.encode("utf-8", "surrogateescape"))
        done = box.exec(["git", "apply", "--whitespace=nowarn", AGENT_PATCH], timeout=120)
        if done.exit_code != 0:
            return f"the graded diff does not apply: {_last_line(done.output)}"
    problem = prepare(box, hidden_files(task), [read_test_patch(task) or ""])
    if problem is not None:
        return f"hidden tests: {problem}"
    run = run_pytest(box, ids, float(task.limits.test_timeout_s))
    if run.timed_out:
        return f"grading timeout: pytest ran past {task.limits.test_timeout_s}s"
    if run.oom:
        return "out of memory during grading (OOM killer)"
    try:
        parse_junit(box.read_file(JUNIT))
    except FileNotFoundError:
        return f"no JUnit report (pytest exit {run.exit_code}): {_last_line(run.output_tail)}"
    except ValueError as exc:
        return f"unreadable JUnit report: {exc}"
    results.append(run)
    return None


def _label(head: dict, task: Task, results: list[TestRun], outcome: str, reason: str | None, t0: float) -> Label:
    tests: dict[str, TestStatus] = dict(results[0].statuses) if results else {}
    verdicts = [all(s == "passed" for s in r.statuses.values()) for r in results]
    return Label(**head, resolved=outcome == "resolved", outcome=outcome, tests=tests,
                 fail_to_pass=_count(tests, task.fail_to_pass), pass_to_pass=_count(tests, task.pass_to_pass),
                 runs=verdicts, infra_reason=reason, grade_s=round(time.monotonic() - t0, 3))


def _count(tests: dict[str, TestStatus], ids: list[str]) -> tuple[int, int]:
    return sum(tests.get(i) == "passed" for i in ids), len(ids)


def _trace_name(path: Path) -> str:
    """The trace path relative to its run directory (the parent of `traces/`)."""
    parts = path.parts
    if "traces" in parts:
        at = len(parts) - 1 - parts[::-1].index("traces")
        return Path(*parts[at:]).as_posix()
    return path.as_posix()


def _last_line(text: str) -> str:
    return _stable((text.strip().splitlines() or ["no output"])[-1])[:300]


def _stable(text: str) -> str:
    """Container and image ids vary between gradings; labels must not."""
    return _SECONDS.sub("<t>s", _IDS.sub("<id>", text))
