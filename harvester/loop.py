"""The agent loop: ask the policy, run its tool calls in order, record every step in the trace.

Contract of `run_episode`: it always writes `start`, one `model` event per policy reply, one `tool`
event per call, and an `end` event carrying the final diff; a policy or sandbox failure ends the
episode with status "error" instead of raising.
"""

from __future__ import annotations

import string
import time
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata

from pydantic import BaseModel, ConfigDict, Field, field_validator

from harvester.errors import PolicyError
from harvester.policies import Policy, Reply
from harvester.records import Budget, EndEvent, Message, ModelEvent, StartEvent, ToolCall, ToolEvent, Usage
from harvester.tools import REPO, TOOLS, execute
from harvester.trace import TraceWriter
from sandbox import Sandbox
from sandbox.errors import SandboxError

SYSTEM_PROMPT = """You are a coding agent working inside a sandboxed Linux container with no network access.
The repository you work on is checked out at /repo.

Your tools:
- shell: run a command given as an argv array, e.g. ["bash", "-lc", "grep -rn 'def parse' ."]. Always set \
`workdir` (usually /repo) instead of using `cd`. Every call starts in a fresh shell; only files persist.
- apply_patch: edit files with a patch in the `*** Begin Patch` format, paths relative to /repo. Use it for \
every edit. A patch that does not apply changes nothing; read the error, fix the patch and try again.
- update_plan: keep a short plan when the task has several steps.

How to work: read the relevant code, reproduce the problem, make the smallest correct change with \
apply_patch, and run the tests to confirm it. Do not edit the tests to make them pass. When you are done, \
reply with a short summary of what you changed and no tool calls."""

TASK_TEMPLATE = """Resolve the following issue in the repository at {repo}.

<issue>
{statement}
</issue>

Run the tests with `{test_command}` in {repo}."""

_PLACEHOLDERS = {"statement", "test_command", "repo"}


class LoopConfig(BaseModel):
    """Prompts, budgets and tool timeouts of the agent loop."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    system_prompt: str = Field(SYSTEM_PROMPT, min_length=1, description="System message of every episode.")
    task_template: str = Field(TASK_TEMPLATE,
                               description="User message; placeholders {statement} {test_command} {repo}.")
    budget: Budget = Field(Budget(), description="Steps, tokens and wall time per episode.")
    tool_timeout_s: float = Field(60.0, gt=0, description="Shell timeout when the call gives no timeout_ms.")
    max_tool_timeout_s: float = Field(600.0, gt=0, description="Upper bound on a call's timeout_ms.")

    @field_validator("task_template")
    @classmethod
    def _known_placeholders(cls, value: str) -> str:
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError as exc:
            raise ValueError(f"not a valid template: {exc}") from None
        unknown = sorted(names - _PLACEHOLDERS)
        if unknown:
            raise ValueError(f"unknown placeholder {{{unknown[0]}}}; use {{statement}}, {{test_command}}, {{repo}}")
        return value


class EpisodeContext(BaseModel):
    """What an episode is about and where it runs: the provenance written into the start event."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    episode_id: str = Field(description="Deterministic id from task, attempt and seed.")
    run: str = Field(description="Run name.")
    task_id: str = Field(description="Task id.")
    task_hash: str = Field(description="Content hash of the task.")
    attempt: int = Field(0, description="Attempt number, 0-based.")
    seed: int = Field(0, description="Seed given to the policy.")
    image: str = Field(description="Image tag the sandbox started from.")
    image_id: str = Field(description="Image id the sandbox started from.")
    statement: str = Field(description="Problem statement shown to the agent.")
    test_command: str = Field(description="Test command shown to the agent.")
    git_revision: str | None = Field(None, description="Git commit of harvester, when known.")


@dataclass
class _Totals:
    t0: float = field(default_factory=time.monotonic)
    steps: int = 0
    usage: Usage = Usage()
    model_s: float = 0.0
    tool_s: float = 0.0


@cache
def harvester_version() -> str:
    try:
        return metadata.version("harvester")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def initial_messages(ctx: EpisodeContext, config: LoopConfig) -> list[Message]:
    task = config.task_template.format(statement=ctx.statement, test_command=ctx.test_command, repo=REPO)
    return [Message(role="system", content=config.system_prompt), Message(role="user", content=task)]


def run_episode(ctx: EpisodeContext, policy: Policy, sandbox: Sandbox, writer: TraceWriter,
                config: LoopConfig) -> EndEvent:
    """Run one episode to its end and return the `end` event (also written to the trace)."""
    totals = _Totals()
    messages = initial_messages(ctx, config)
    writer.write(_start_event(ctx, policy, config, messages))
    infra = False
    try:
        status, reason = _drive(policy, sandbox, writer, config, messages, totals)
    except PolicyError as exc:
        status, reason, infra = "error", f"policy: {exc}", exc.infra
    except SandboxError as exc:
        status, reason, infra = "error", f"sandbox: {exc}", True
    try:
        diff = sandbox.diff(REPO)
    except SandboxError as exc:
        diff, status, infra = "", "error", True
        reason = f"{reason}; sandbox: final diff failed: {exc}"
    if not _utf8(diff):  # non-UTF-8 file content comes back as surrogates, which JSON cannot hold
        diff = diff.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        reason += " (diff: non-UTF-8 bytes replaced)"
    end = EndEvent(ts=time.time(), status=status, reason=reason, infra_error=infra, diff=diff,
                   steps=totals.steps, usage=totals.usage, wall_s=time.monotonic() - totals.t0,
                   model_s=totals.model_s, tool_s=totals.tool_s)
    writer.write(end)
    return end


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def _drive(policy: Policy, sandbox: Sandbox, writer: TraceWriter, config: LoopConfig, messages: list[Message],
           totals: _Totals) -> tuple[str, str]:
    """The loop proper; returns (status, reason). Tool calls of a reply all run before any budget check."""
    appended: list[Message] = []
    while True:
        over = _over_budget(config.budget, totals)
        if over:
            return "budget", over
        t0 = time.monotonic()
        try:
            reply = policy.next(list(messages), TOOLS)
        finally:  # a failed request (retries included) still counts as time spent on the model
            latency = time.monotonic() - t0
            totals.model_s += latency
        totals.steps += 1
        totals.usage += reply.usage
        writer.write(_model_event(totals.steps, appended, len(messages), reply, latency))
        messages.append(reply.message)
        if not reply.message.tool_calls:
            return "finished", "no_tool_calls"
        appended = [_run_call(sandbox, writer, config, call, totals) for call in reply.message.tool_calls]
        messages += appended


def _over_budget(budget: Budget, totals: _Totals) -> str | None:
    if totals.steps >= budget.max_steps:
        return "max_steps"
    if totals.usage.total_tokens >= budget.max_tokens:
        return "max_tokens"
    if time.monotonic() - totals.t0 >= budget.max_wall_s:
        return "max_wall_s"
    return None


def _run_call(sandbox: Sandbox, writer: TraceWriter, config: LoopConfig, call: ToolCall, totals: _Totals) -> Message:
    """Execute one call (its timeout bounded by the wall time left) and return the tool message."""
    left = config.budget.max_wall_s - (time.monotonic() - totals.t0)
    outcome = execute(sandbox, call, config.tool_timeout_s, max(1.0, min(config.max_tool_timeout_s, left)))
    totals.tool_s += outcome.duration_s
    writer.write(ToolEvent(ts=time.time(), step=totals.steps, call_id=call.id, name=call.function.name,
                           arguments=call.function.arguments, output=outcome.output_text,
                           exit_code=outcome.exit_code, timed_out=outcome.timed_out,
                           output_bytes=outcome.output_bytes, duration_s=outcome.duration_s, error=outcome.error))
    return Message(role="tool", tool_call_id=call.id, content=outcome.output_text)


def _model_event(step: int, appended: list[Message], request_len: int, reply: Reply, latency: float) -> ModelEvent:
    return ModelEvent(ts=time.time(), step=step, appended=appended, request_len=request_len, response=reply.message,
                      reasoning=reply.reasoning, finish_reason=reply.finish_reason, response_id=reply.response_id,
                      usage=reply.usage, latency_s=latency, retries=reply.retries)


def _start_event(ctx: EpisodeContext, policy: Policy, config: LoopConfig, messages: list[Message]) -> StartEvent:
    # Endpoint policies expose where they send requests and with which parameters; offline ones need not.
    return StartEvent(
        ts=time.time(), episode_id=ctx.episode_id, run=ctx.run, task_id=ctx.task_id, task_hash=ctx.task_hash,
        attempt=ctx.attempt, seed=ctx.seed, harvester_version=harvester_version(), git_revision=ctx.git_revision,
        image=ctx.image, image_id=ctx.image_id, policy=policy.kind, model=policy.model,
        endpoint_host=getattr(policy, "endpoint_host", None), sampling=dict(getattr(policy, "sampling", None) or {}),
        budget=config.budget, tools=TOOLS, messages=messages)
