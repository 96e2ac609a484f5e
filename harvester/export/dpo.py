"""Preference pairs from a resolved and an unresolved episode of the same task.

The prompt is the longest shared prefix of the two conversations, comparing messages with tool-call ids
renumbered (endpoints draw them at random) and durations in tool output masked (`Wall time: 0.4 seconds`,
pytest's `in 0.05s` differ between identical commands); the prompt written is the preferred episode's,
exactly as it saw it. It must hold the task's user message and end where the two first differ, at an
assistant reply of each; the completions are those two replies. OpenAI's DPO guide says it trains on
one-turn completions where "the preferred and non-preferred messages need to be the last assistant
message", so each completion is that one assistant message, never the turns after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from harvester.canonical import Canonical, dialogue
from harvester.errors import TraceError
from harvester.export import Unrepresentable
from harvester.export.hf import hf_message, hf_messages
from harvester.records import EndEvent, KeptEpisode, ModelEvent, StartEvent, TraceEvent
from harvester.trace import Trace

OPENAI_FILE = "dpo.openai.jsonl"
TRL_FILE = "dpo.trl.jsonl"
_EVENT = TypeAdapter(TraceEvent)
DURATION = re.compile(r"\b\d+(?:\.\d+)?\s?(?:ms|s|sec|seconds)\b")


@dataclass(frozen=True)
class Pair:
    """A shared prompt and the two replies that diverge after it."""

    chosen: Canonical
    rejected: Canonical
    at: int

    @property
    def prompt(self) -> list[dict[str, Any]]:
        return self.chosen.messages[:self.at]


def _comparable(message: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    """A message with tool-call ids renumbered in order of appearance and tool-output durations masked."""
    if "tool_calls" in message:
        calls = [{**c, "id": ids.setdefault(c["id"], f"call_{len(ids)}")} for c in message["tool_calls"]]
        message = {**message, "tool_calls": calls}
    if "tool_call_id" in message:
        message = {**message, "tool_call_id": ids.get(message["tool_call_id"], message["tool_call_id"]),
                   "content": DURATION.sub("<duration>", message["content"])}
    return message


def divergence(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> int:
    """Index of the first message that differs (ids and durations aside); the shorter length if none does."""
    ids_a: dict[str, str] = {}
    ids_b: dict[str, str] = {}
    for i, (x, y) in enumerate(zip(a, b)):
        if x == y:  # identical: only keep both id maps in step
            for message, ids in ((x, ids_a), (y, ids_b)):
                for call in message.get("tool_calls") or ():
                    ids.setdefault(call["id"], f"call_{len(ids)}")
        elif _comparable(x, ids_a) != _comparable(y, ids_b):
            return i
    return min(len(a), len(b))


def pair(chosen: Canonical, rejected: Canonical) -> Pair:
    """The pair of two episodes; Unrepresentable says why they make none."""
    if chosen.tools != rejected.tools:
        raise Unrepresentable("the two episodes were offered different tools")
    at = divergence(chosen.messages, rejected.messages)
    if at >= len(chosen.messages) or at >= len(rejected.messages):
        raise Unrepresentable("one conversation contains the other")
    roles = (chosen.messages[at]["role"], rejected.messages[at]["role"])
    if roles != ("assistant", "assistant"):
        raise Unrepresentable(f"they diverge at a {'/'.join(roles)} message, not at the model's reply")
    if not any(m["role"] == "user" for m in chosen.messages[:at]):
        raise Unrepresentable("the shared prefix has no user message")
    if chosen.malformed[at] or rejected.malformed[at]:
        raise Unrepresentable("a reply carries a malformed tool call")
    return Pair(chosen, rejected, at)


def pair_with(chosen: Canonical, negative: KeptEpisode, run_dir: Path) -> Pair:
    """Pair `chosen` with a negative episode, reading only as much of its trace as the comparison needs."""
    steps = 2
    while True:
        trace, ended = read_prefix(run_dir / negative.trace, steps)
        rejected = dialogue(trace, negative)
        if ended or divergence(chosen.messages, rejected.messages) < len(rejected.messages):
            return pair(chosen, rejected)
        steps *= 4


def read_prefix(path: Path, steps: int) -> tuple[Trace, bool]:
    """The start and the first `steps` model events with their tool events; True when nothing follows."""
    trace: Trace | None = None
    seen = 0
    with open(path, "rb") as lines:
        for n, line in enumerate(lines, 1):
            if not line.endswith(b"\n") or not line.strip():
                continue  # a crash's truncated last line is not an event
            try:
                event = _EVENT.validate_json(line)
            except ValidationError as exc:
                raise TraceError(f"{path}: line {n}: {exc.errors()[0]['msg']}") from None
            if trace is None or isinstance(event, StartEvent):
                if trace is not None or not isinstance(event, StartEvent):
                    raise TraceError(f"{path}: line {n}: a trace has exactly one start event, first")
                trace = Trace(path=path, start=event)
            elif isinstance(event, EndEvent):
                trace.end = event
            elif isinstance(event, ModelEvent) and seen == steps:
                return trace, False
            else:
                seen += isinstance(event, ModelEvent)
                trace.events.append(event)
    if trace is None:
        raise TraceError(f"{path}: empty trace")
    return trace, True


def openai_row(p: Pair) -> dict[str, Any]:
    return {"input": {"messages": p.prompt, "tools": p.chosen.tools,
                      "parallel_tool_calls": p.chosen.parallel_tool_calls or p.rejected.parallel_tool_calls},
            "preferred_output": [p.chosen.messages[p.at]],
            "non_preferred_output": [p.rejected.messages[p.at]]}


def trl_row(p: Pair) -> dict[str, Any]:
    return {"prompt": hf_messages(p.prompt, p.chosen.reasoning[:p.at]),
            "chosen": [hf_message(p.chosen.messages[p.at], p.chosen.reasoning[p.at])],
            "rejected": [hf_message(p.rejected.messages[p.at], p.rejected.reasoning[p.at])],
            "tools": p.chosen.tools}
