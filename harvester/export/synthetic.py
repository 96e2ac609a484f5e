"""Synthetic runs: traces and labels shaped exactly like the agent loop's, for export tests and benchmarks.

Each episode is a script of steps (a final answer, or tool calls with the output the tool "returned");
events are written with the same records and writer as real episodes, so every reader sees real files.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from harvester.records import (Budget, EndEvent, FunctionCall, Label, Message, ModelEvent, StartEvent, ToolCall,
                               ToolEvent, Usage)
from harvester.tools import TOOLS
from harvester.trace import TraceWriter

Call = tuple[str, "dict[str, Any] | str", str]  # tool, arguments (a str is sent raw, even malformed), output
Step = "str | list[Call]"  # a final answer, or the calls of one reply
SYSTEM = "You are a coding agent working inside a sandboxed Linux container. The repository is at /repo."
PATCH = "diff --git a/pkg/core.py b/pkg/core.py\n--- a/pkg/core.py\n+++ b/pkg/core.py\n@@ -1 +1 @@\n-a\n+b\n"


@dataclass
class Episode:
    """One scripted episode and the label grading would give it."""

    task_id: str
    attempt: int
    steps: list[Any]
    resolved: bool = True
    outcome: str | None = None
    tamper: list[str] = field(default_factory=list)
    status: str = "finished"
    infra: bool = False
    reasoning: str | None = None
    patch: str = PATCH
    runs: list[bool] | None = None
    model: str = "synthetic-model"
    complete: bool = True
    call_prefix: str = "call"

    @property
    def episode_id(self) -> str:
        return f"{self.task_id}.a{self.attempt}.s0"


def trace_path(run_dir: Path, episode: Episode) -> Path:
    return run_dir / "traces" / episode.task_id / f"{episode.episode_id}.jsonl"


def write_episode(run_dir: Path, episode: Episode, label: bool = True) -> Path:
    """Write the trace (and append the label unless `label` is False); returns the trace path."""
    path = trace_path(run_dir, episode)
    statement = f"Fix the bug of task {episode.task_id}: `python -m pytest -q` fails."
    messages = [Message(role="system", content=SYSTEM), Message(role="user", content=statement)]
    start = StartEvent(ts=0.0, episode_id=episode.episode_id, run=run_dir.name, task_id=episode.task_id,
                       task_hash="0" * 16, attempt=episode.attempt, seed=0, harvester_version="0",
                       git_revision=None, image="synthetic", image_id="sha256:0", policy="scripted",
                       model=episode.model, endpoint_host=None, sampling={"temperature": 0.0}, budget=Budget(),
                       tools=TOOLS, messages=messages)
    with TraceWriter(path) as writer:
        writer.write(start)
        history, appended = len(messages), []
        for step_no, step in enumerate(episode.steps, 1):
            response = _response(step_no, step, episode.call_prefix)
            usage = Usage(prompt_tokens=history * 50, completion_tokens=20, total_tokens=history * 50 + 20)
            writer.write(ModelEvent(ts=0.0, step=step_no, appended=appended, request_len=history, response=response,
                                    reasoning=episode.reasoning and f"{episode.reasoning} (step {step_no})",
                                    usage=usage, latency_s=0.1))
            history += 1
            appended = []
            for call, (name, _, output) in zip(response.tool_calls or [], [] if isinstance(step, str) else step):
                error = None if _valid(name, call.function.arguments) else "malformed"
                writer.write(ToolEvent(ts=0.0, step=step_no, call_id=call.id, name=name,
                                       arguments=call.function.arguments, output=output, exit_code=0,
                                       duration_s=0.01, error=error))
                appended.append(Message(role="tool", tool_call_id=call.id, content=output))
            history += len(appended)
        if episode.complete:
            writer.write(EndEvent(ts=0.0, status=episode.status, reason="scripted", infra_error=episode.infra,
                                  diff=episode.patch, steps=len(episode.steps), usage=Usage(), wall_s=1.0,
                                  model_s=0.5, tool_s=0.5))
    if label:
        append_label(run_dir, episode, path)
    return path


def append_label(run_dir: Path, episode: Episode, path: Path) -> None:
    outcome = episode.outcome or ("resolved" if episode.resolved else "unresolved")
    label = Label(episode_id=episode.episode_id, task_id=episode.task_id,
                  trace=path.relative_to(run_dir).as_posix(), resolved=episode.resolved, outcome=outcome,
                  tamper=episode.tamper, tests={}, fail_to_pass=(1 if episode.resolved else 0, 1),
                  pass_to_pass=(3, 3), graded_patch=episode.patch, excluded_paths=[],
                  runs=episode.runs if episode.runs is not None else [episode.resolved], grade_s=1.0)
    with open(run_dir / "labels.jsonl", "ab") as f:
        f.write(orjson.dumps(label.model_dump(mode="json")) + b"\n")


def _response(step_no: int, step: Any, prefix: str) -> Message:
    if isinstance(step, str):
        return Message(role="assistant", content=step)
    calls = [ToolCall(id=f"{prefix}_{step_no}_{n}", function=FunctionCall(
        name=name, arguments=args if isinstance(args, str) else orjson.dumps(args).decode()))
        for n, (name, args, _) in enumerate(step)]
    return Message(role="assistant", content=None, tool_calls=calls)


def _valid(name: str, arguments: str) -> bool:
    try:
        value = orjson.loads(arguments)
    except orjson.JSONDecodeError:
        return False
    required = {"shell": "command", "apply_patch": "input", "update_plan": "plan"}.get(name)
    return isinstance(value, dict) and required in value


def shell(script: str, output: str) -> Call:
    return ("shell", {"command": ["bash", "-lc", script], "workdir": "/repo"}, output)


def random_episode(rng: random.Random, task_id: str, attempt: int, steps: int, output_bytes: int) -> Episode:
    """A plausible episode: test runs, reads, a patch, a final answer; about `output_bytes` per tool output."""
    script: list[Any] = []
    for n in range(steps):
        body = "".join(rng.choices("abcdefghij klmnop\n", k=output_bytes))
        out = f"Exit code: {n % 2}\nWall time: 0.{n} seconds\nOutput:\n{body}"
        script.append([shell(f"sed -n {n},{n + 40}p pkg/mod{rng.randrange(9)}.py", out)])
    edit = f"*** Begin Patch\n*** Update File: pkg/core.py\n@@\n-a\n+b{attempt}\n*** End Patch\n"
    script.append([("apply_patch", {"input": edit}, "Success. Updated the following files:\nM pkg/core.py")])
    script.append(f"Fixed the bug in pkg/core.py (attempt {attempt}).")
    resolved = rng.random() < 0.6
    return Episode(task_id, attempt, script, resolved=resolved, patch=PATCH.replace("+b", f"+b{attempt}"),
                   reasoning="Thinking about the failure" if rng.random() < 0.3 else None)
