"""Task validation: fail_to_pass fails at base and passes with the solution, pass_to_pass passes at both,
every result repeats over N fresh pytest processes, and nothing of the fix or hidden tests leaks."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import docker
from pydantic import BaseModel, ConfigDict, Field

from harvester.images import task_image
from harvester.junit import Status
from harvester.leaks import fail_to_pass_leaks, file_leaks, history_problems, statement_leaks, visible_defs
from harvester.task import Task, hidden_files, read_solution, read_test_patch
from harvester.testrun import TestRun, prepare, run_pytest
from sandbox import LABEL_EPISODE, LABEL_RUN, Sandbox, connect

MAX_DETAILS = 20
_FAILING: set[Status] = {"failed", "error"}


class Verdict(BaseModel):
    """Whether one task is well-formed, and why not."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    task_id: str = Field(description="The task's id.")
    ok: bool = Field(description="True when every check passed.")
    reason: str = Field(description="The first problem found; empty when ok.")
    seconds: float = Field(description="Wall time spent on the task, image build included.")
    details: list[str] = Field(default=[], description="Every problem found (capped), first one = reason.")
    statuses: dict[str, dict[str, Status]] = Field(default={}, description="Phase -> id -> status of run 1.")


def _verdict(task_id: str, problems: list[str], seconds: float,
             statuses: dict[str, dict[str, Status]] | None = None) -> Verdict:
    details = problems[:MAX_DETAILS]
    if len(problems) > MAX_DETAILS:
        details.append(f"... and {len(problems) - MAX_DETAILS} more")
    return Verdict(task_id=task_id, ok=not problems, reason=problems[0] if problems else "", seconds=seconds,
                   details=details, statuses=statuses or {})


def _repeat(sandbox: Sandbox, ids: list[str], runs: int, timeout_s: float) -> list[TestRun]:
    results = []
    for _ in range(runs):
        results.append(run_pytest(sandbox, ids, timeout_s))
        if results[-1].timed_out:  # repeating a hung suite only multiplies the wait
            break
    return results


def _stability(phase: str, results: list[TestRun], timeout_s: float) -> list[str]:
    problems = []
    for number, result in enumerate(results, 1):
        if result.timed_out:
            problems.append(f"{phase}: test run {number} timed out after {timeout_s:g}s")
        if result.oom:
            problems.append(f"{phase}: test run {number} ran out of memory")
    first = results[0].statuses
    flaky = {}
    for number, result in enumerate(results[1:], 2):
        for node_id, status in result.statuses.items():
            if status != first[node_id] and node_id not in flaky:
                flaky[node_id] = (f"flaky ({phase}): {node_id} was {first[node_id]} in run 1"
                                  f" and {status} in run {number}")
    return problems + list(flaky.values())


def _expect_base(task: Task, statuses: dict[str, Status]) -> list[str]:
    problems = []
    for node_id in task.fail_to_pass:
        status = statuses[node_id]
        if status == "passed":
            problems.append(f"fail_to_pass {node_id} already passes at base")
        elif status not in _FAILING:
            problems.append(f"fail_to_pass {node_id} is {status} at base (it must fail)")
    problems += [f"pass_to_pass {node_id} is {statuses[node_id]} at base"
                 for node_id in task.pass_to_pass if statuses[node_id] != "passed"]
    return problems


def _expect_fixed(task: Task, statuses: dict[str, Status]) -> list[str]:
    kinds = [("fail_to_pass", node_id) for node_id in task.fail_to_pass]
    kinds += [("pass_to_pass", node_id) for node_id in task.pass_to_pass]
    return [f"{kind} {node_id} is {statuses[node_id]} with the solution applied"
            for kind, node_id in kinds if statuses[node_id] != "passed"]


def _check(sandbox: Sandbox, task: Task, runs: int) -> tuple[list[str], dict[str, dict[str, Status]]]:
    """Every in-container check, in one container: repo hygiene, then base runs, then solution runs."""
    ids, timeout = task.fail_to_pass + task.pass_to_pass, float(task.limits.test_timeout_s)
    problems = history_problems(sandbox) + file_leaks(sandbox, task)
    before = visible_defs(sandbox, task.fail_to_pass)
    failed = prepare(sandbox, hidden_files(task), [read_test_patch(task) or ""])
    if failed:
        return problems + [f"hidden tests: {failed}"], {}
    problems += fail_to_pass_leaks(sandbox, task.fail_to_pass, before)
    base = _repeat(sandbox, ids, runs, timeout)
    problems += _stability("base", base, timeout) + _expect_base(task, base[0].statuses)
    statuses = {"base": base[0].statuses}
    failed = prepare(sandbox, patches=[read_solution(task)])
    if failed:
        return problems + [f"solution: {failed}"], statuses
    fixed = _repeat(sandbox, ids, runs, timeout)
    problems += _stability("solution", fixed, timeout) + _expect_fixed(task, fixed[0].statuses)
    return problems, {**statuses, "solution": fixed[0].statuses}


def _validate_built(task: Task, image: str, runs: int, client: docker.DockerClient, label: str,
                    started: float) -> Verdict:
    problems = [f"statement contains a line of the solution: {line!r}"
                for line in statement_leaks(task.statement, read_solution(task))]
    labels = {LABEL_RUN: label, LABEL_EPISODE: f"validate-{task.id}"}
    with Sandbox.start(image, labels=labels, client=client) as sandbox:
        found, statuses = _check(sandbox, task, max(1, runs))
    return _verdict(task.id, problems + found, time.monotonic() - started, statuses)


def validate_task(task: Task, runs: int = 3, client: docker.DockerClient | None = None,
                  label: str = "validate") -> Verdict:
    """Build the task's image and check it in a fresh container.

    Task problems come back in the verdict; machinery failures (image build, Docker) raise.
    """
    started = time.monotonic()
    client = client or connect()
    return _validate_built(task, task_image(client, task), runs, client, label, started)


def _guarded(task: Task, step: Callable[[float], Verdict | str], started: float) -> Verdict | str:
    # One broken task (image build, dead container) must not stop the batch: it becomes its verdict.
    try:
        return step(started)
    except Exception as exc:
        return _verdict(task.id, [f"error: {type(exc).__name__}: {exc}".replace("\n", " ")],
                        time.monotonic() - started)


def validate_tasks(tasks: list[Task], runs: int = 3, concurrency: int = 2, client: docker.DockerClient | None = None,
                   label: str = "validate", on_done: Callable[[Verdict], None] | None = None) -> list[Verdict]:
    """Build every image first, then validate in a bounded pool; verdicts in the order of `tasks`."""
    client = client or connect()

    def build(task: Task) -> tuple[Verdict | str, float]:
        started = time.monotonic()
        image = _guarded(task, lambda _: task_image(client, task), started)
        return image, time.monotonic() - started

    def check(task: Task, built: tuple[Verdict | str, float]) -> Verdict:
        image, build_seconds = built
        # A task's time is its own build plus its checks, not the time it waited in the pool.
        started = time.monotonic() - build_seconds
        verdict = image if isinstance(image, Verdict) else _guarded(
            task, lambda t0: _validate_built(task, image, runs, client, label, t0), started)
        if on_done is not None:
            on_done(verdict)
        return verdict

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        built = list(pool.map(build, tasks))
        return list(pool.map(check, tasks, built))
