"""Validate candidate bugs in warm containers: one long-lived container per worker, files reset between candidates."""

from __future__ import annotations

import posixpath
import queue
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from typing import TypeVar

import docker
from pydantic import BaseModel, ConfigDict, Field

from harvester.seed.candidates import Candidate
from harvester.seed.statement import failure_messages
from harvester.seed.teststrip import hide, test_key
from harvester.testrun import JUNIT, TestRun, run_pytest
from sandbox import LABEL_EPISODE, LABEL_RUN, Sandbox, SandboxConfig

REPO = "/repo"
T = TypeVar("T")
R = TypeVar("R")
_FAILING = ("failed", "error")


class Check(BaseModel):
    """The outcome of validating one candidate."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    key: str = Field(description="The candidate's key.")
    ok: bool = Field(description="True when the candidate makes a valid task.")
    reason: str = Field("", description="Why not (one short phrase); empty when ok.")
    fail_to_pass: list[str] = Field(default=[], description="Tests that pass at the clean state and fail with the bug.")
    pass_to_pass: list[str] = Field(default=[], description="Tests that pass in both states.")
    messages: dict[str, str] = Field(default={}, description="fail_to_pass id -> first line of its failure message.")
    visible: dict[str, str] = Field(default={}, description="Test file -> its visible text (revealing tests removed).")
    runs: int = Field(0, description="pytest processes run for this candidate.")
    seconds: float = Field(0.0, description="Wall time spent on the candidate.")


class Limits(BaseModel):
    """What a candidate must satisfy besides breaking something."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    runs: int = Field(2, ge=1, description="Full-suite runs that must agree exactly.")
    timeout_s: float = Field(60.0, gt=0, description="Limit of one full-suite run.")
    max_fail_share: float = Field(0.5, gt=0, le=1, description="Largest share of the suite that may fail.")


class Pool:
    """N warm containers from the clean image; `map` runs jobs on them in a bounded thread pool."""

    def __init__(self, client: docker.DockerClient, image: str, size: int, label: str,
                 config: SandboxConfig | None = None) -> None:
        self.client, self.image, self.size, self.label = client, image, max(1, size), label
        self.config = config or SandboxConfig()
        self._stack = ExitStack()
        self._free: queue.Queue[Sandbox] = queue.Queue()

    def __enter__(self) -> Pool:
        try:
            for number in range(self.size):
                labels = {LABEL_RUN: self.label, LABEL_EPISODE: f"seed-worker-{number}"}
                self._free.put(self._stack.enter_context(
                    Sandbox.start(self.image, labels=labels, config=self.config, client=self.client)))
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()

    def call(self, job: Callable[[Sandbox], R]) -> R:
        sandbox = self._free.get()
        try:
            return job(sandbox)
        finally:
            self._free.put(sandbox)

    def map(self, job: Callable[[Sandbox, T], R], items: list[T]) -> list[R]:
        """job(sandbox, item) for every item, results in item order."""
        with ThreadPoolExecutor(max_workers=self.size) as threads:
            return list(threads.map(lambda item: self.call(lambda box: job(box, item)), items))


def _write(sandbox: Sandbox, files: dict[str, str]) -> None:
    for path, text in files.items():
        sandbox.write_file(posixpath.join(REPO, path), text.encode("utf-8", errors="surrogateescape"))


def _verdict(first: TestRun, limits: Limits, expect: set[str]) -> str:
    """Why the first run disqualifies the candidate, or ""."""
    if first.timed_out:
        return "timed out"
    if first.oom:
        return "out of memory"
    failing = [i for i, s in first.statuses.items() if s in _FAILING]
    odd = sorted({s for s in first.statuses.values() if s not in _FAILING and s != "passed"})
    if odd:
        return f"tests {'/'.join(odd)}"
    if not failing:
        return "no test fails"
    if len(failing) == len(first.statuses):
        return "every test fails"
    if len(failing) > limits.max_fail_share * len(first.statuses):
        return "too many tests fail"
    if not expect <= set(failing):
        return "parts cancel out"
    return ""


class Baseline(BaseModel):
    """The clean state every candidate is compared with."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    ids: list[str] = Field(description="Node ids passing at the clean state.")
    clean: dict[str, str] = Field(description="Source file -> clean text.")
    tests: dict[str, str] = Field(description="Test file -> text.")


def check(sandbox: Sandbox, candidate: Candidate, base: Baseline, limits: Limits,
          expect: frozenset[str] = frozenset()) -> Check:
    """Apply the candidate, run the suite `limits.runs` times, hide the revealing tests, check the rest passes.

    Every file written is put back afterwards, so the container is clean for the next candidate.
    """
    started, runs = time.monotonic(), []
    touched = {candidate.file: base.clean[candidate.file]}
    try:
        reason, found = _examine(sandbox, candidate, base, limits, expect, runs, touched)
    finally:
        _write(sandbox, touched)
    return Check(key=candidate.key, ok=not reason, reason=reason, runs=len(runs),
                 seconds=time.monotonic() - started, **found)


def _examine(sandbox: Sandbox, candidate: Candidate, base: Baseline, limits: Limits, expect: frozenset[str],
             runs: list[TestRun], touched: dict[str, str]) -> tuple[str, dict]:
    """(reason or "", Check fields); appends each pytest run to `runs`, each file it writes to `touched`."""
    _write(sandbox, {candidate.file: candidate.text})
    runs.append(run_pytest(sandbox, base.ids, limits.timeout_s))
    first = runs[0]
    reason = _verdict(first, limits, set(expect))
    if reason:
        return reason, {}
    failing = [i for i in base.ids if first.statuses[i] in _FAILING]
    messages = failure_messages(_read(sandbox, JUNIT), failing)
    for _ in range(limits.runs - 1):
        runs.append(run_pytest(sandbox, base.ids, limits.timeout_s))
        if runs[-1].statuses != first.statuses or runs[-1].timed_out:
            return "flaky", {}
    hidden = hide(base.tests, failing)
    if isinstance(hidden, str):
        return hidden, {}
    visible, removed = hidden
    touched.update({path: base.tests[path] for path in visible})
    _write(sandbox, visible)
    shown = [i for i in base.ids if test_key(i) not in removed]
    if not shown:
        return "no visible test remains", {}
    runs.append(run_pytest(sandbox, shown, limits.timeout_s))
    if runs[-1].failing():
        return "visible tests fail once the revealing ones are hidden", {}
    passing = [i for i in base.ids if first.statuses[i] == "passed"]
    return "", {"fail_to_pass": failing, "pass_to_pass": passing, "messages": messages, "visible": visible}


def _read(sandbox: Sandbox, path: str) -> bytes:
    try:
        return sandbox.read_file(path)
    except FileNotFoundError:
        return b""
