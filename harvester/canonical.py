"""The canonical training record of an episode, the facts filters read from a trace, and run-dir reading.

Contract: `sft_record` returns exactly the messages of the last request of a finished episode plus the
model's final reply (OpenAI wire form, tool calls native), the reasoning the endpoint returned for each
assistant message, and the tool schemas as sent. Every export target is a rewrite of this record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from harvester.errors import TraceError
from harvester.records import KeptEpisode, Label, Message
from harvester.trace import Trace

LABELS = "labels.jsonl"
TRACES = "traces"


@dataclass(frozen=True)
class Canonical:
    """One episode as training data; lists `reasoning` and `malformed` run parallel to `messages`."""

    episode: KeptEpisode
    messages: list[dict[str, Any]]
    reasoning: list[str | None]
    malformed: list[bool]
    tools: list[dict[str, Any]]
    parallel_tool_calls: bool


def replay(trace: Trace) -> tuple[list[Message], list[str | None]]:
    """Every request's messages in order with each response appended; O(n) in the trace length.

    Each model event's `request_len` is checked against the rebuilt history, so a trace that cannot be
    rebuilt exactly fails loudly instead of exporting something the model never saw.
    """
    messages = list(trace.start.messages)
    reasoning: list[str | None] = [None] * len(messages)
    for event in trace.model_events:
        messages += event.appended
        reasoning += [None] * len(event.appended)
        if event.request_len != len(messages):
            raise TraceError(f"{trace.path}: step {event.step}: request had {event.request_len} messages, "
                             f"the trace rebuilds {len(messages)}")
        messages.append(event.response)
        reasoning.append(event.reasoning)
    return messages, reasoning


def sft_record(trace: Trace, episode: KeptEpisode) -> Canonical:
    """The canonical record of a finished episode; TraceError when it did not end with a final answer."""
    if trace.end is None or trace.end.status != "finished":
        raise TraceError(f"{trace.path}: episode did not finish; it is filtered, never completed by hand")
    messages, reasoning = replay(trace)
    last = messages[-1] if len(messages) > len(trace.start.messages) else None
    if last is None or last.role != "assistant" or last.tool_calls:
        raise TraceError(f"{trace.path}: the last model reply is not a final answer")
    return _record(trace, episode, messages, reasoning)


def dialogue(trace: Trace, episode: KeptEpisode) -> Canonical:
    """Everything the model saw and said, for any trace with a start (used for preference pairs)."""
    messages, reasoning = replay(trace)
    return _record(trace, episode, messages, reasoning)


def _record(trace: Trace, episode: KeptEpisode, messages: list[Message],
            reasoning: list[str | None]) -> Canonical:
    bad_calls = {e.call_id for e in trace.tool_events if e.error is not None}
    malformed = [bool(m.tool_calls) and any(c.id in bad_calls for c in m.tool_calls) for m in messages]
    parallel = any(len(m.tool_calls or ()) > 1 for m in messages)
    return Canonical(episode=episode, messages=[m.wire() for m in messages], reasoning=reasoning,
                     malformed=malformed, tools=trace.start.tools,
                     parallel_tool_calls=bool(trace.start.sampling.get("parallel_tool_calls", True)) or parallel)


def object_arguments(call: dict[str, Any]) -> dict[str, Any] | None:
    """A tool call's arguments parsed as a JSON object, or None when they are not one."""
    try:
        value = orjson.loads(call["function"]["arguments"])
    except orjson.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def read_labels(run_dir: Path, warnings: list[str]) -> dict[str, Label]:
    """labels.jsonl by episode id (the last line wins); each unreadable line becomes one warning."""
    path = run_dir / LABELS
    if not path.is_file():
        warnings.append(f"{path}: no labels file; every episode counts as unlabeled")
        return {}
    labels: dict[str, Label] = {}
    with open(path, "rb") as lines:
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                label = Label.model_validate_json(line)
            except ValidationError as exc:
                warnings.append(f"{path}: line {n}: unreadable label ({exc.errors()[0]['msg']}); skipped")
                continue
            labels[label.episode_id] = label
    return labels


def trace_files(run_dir: Path) -> Iterator[Path]:
    """Trace files of a run in a stable order: traces/<task>/<episode>.jsonl."""
    yield from sorted((run_dir / TRACES).glob("*/*.jsonl"))


def truncated(path: Path) -> bool:
    """True when the file's last line lacks its newline (a crash mid-write)."""
    with open(path, "rb") as f:
        f.seek(0, 2)
        if f.tell() == 0:
            return False
        f.seek(-1, 2)
        return f.read(1) != b"\n"


@dataclass(frozen=True)
class Facts:
    """What the filters need from one trace; small, so a run's worth stays in memory."""

    episode_id: str
    task_id: str
    trace: str
    model: str
    status: str | None
    infra: bool
    steps: int
    tokens: int
    calls: int
    malformed: int
    longest_repeat: int
    actions: str


def facts(trace: Trace, rel: str) -> Facts:
    """Summarize one parsed trace for the filters."""
    actions = [_action(c.function.name, c.function.arguments)
               for e in trace.model_events for c in e.response.tool_calls or ()]
    longest = run = 0
    for i, action in enumerate(actions):
        run = run + 1 if i and action == actions[i - 1] else 1
        longest = max(longest, run)
    model_events = trace.model_events
    last = model_events[-1].usage if model_events else None
    tokens = last.prompt_tokens + last.completion_tokens if last else 0
    end = trace.end
    return Facts(episode_id=trace.start.episode_id, task_id=trace.start.task_id, trace=rel,
                 model=trace.start.model, status=end.status if end else None,
                 infra=bool(end and end.infra_error), steps=len(model_events),
                 tokens=tokens or _estimate_tokens(trace), calls=len(actions),
                 malformed=sum(e.error is not None for e in trace.tool_events), longest_repeat=longest,
                 actions=digest("\x00".join(actions)))


def _action(name: str, arguments: str) -> str:
    try:
        canonical = orjson.dumps(orjson.loads(arguments), option=orjson.OPT_SORT_KEYS).decode()
    except orjson.JSONDecodeError:
        canonical = arguments
    return f"{name}\x01{canonical}"


def _estimate_tokens(trace: Trace) -> int:
    # endpoints that report no usage: about four characters per token
    chars = sum(len(m.content or "") for m in trace.start.messages)
    for e in trace.model_events:
        chars += sum(len(m.content or "") for m in e.appended) + len(e.response.content or "")
        chars += sum(len(c.function.arguments) for c in e.response.tool_calls or ())
    return chars // 4


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()
