"""Trace files: JSONL events appended and flushed one by one; a reader that rebuilds the conversation."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from pydantic import TypeAdapter, ValidationError

from harvester.errors import TraceError
from harvester.records import EndEvent, Message, ModelEvent, StartEvent, ToolEvent, TraceEvent

_EVENT = TypeAdapter(TraceEvent)


class TraceWriter:
    """Append-only writer; every event is one flushed line. Use as a context manager."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._file = open(path, "wb")

    def write(self, event: StartEvent | ModelEvent | ToolEvent | EndEvent) -> None:
        self._file.write(orjson.dumps(event.model_dump(mode="json")) + b"\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> TraceWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@dataclass
class Trace:
    """A parsed trace. `end` is None when the episode did not finish (resume reruns it)."""

    path: Path
    start: StartEvent
    events: list[ModelEvent | ToolEvent] = field(default_factory=list)
    end: EndEvent | None = None

    @property
    def complete(self) -> bool:
        return self.end is not None

    @property
    def model_events(self) -> list[ModelEvent]:
        return [e for e in self.events if isinstance(e, ModelEvent)]

    @property
    def tool_events(self) -> list[ToolEvent]:
        return [e for e in self.events if isinstance(e, ToolEvent)]

    def last_request(self) -> list[dict[str, Any]]:
        """The exact message list of the last request sent to the model (wire form)."""
        messages, last = list(self.start.messages), [m.wire() for m in self.start.messages]
        for event in self.model_events:
            messages += event.appended
            last = [m.wire() for m in messages]
            messages.append(event.response)
        return last

    def history(self) -> list[Message]:
        """Every message of the episode: the requests, the responses, and tool results after the last call."""
        messages = list(self.start.messages)
        answered = 0
        for event in self.model_events:
            messages += event.appended
            messages.append(event.response)
            answered = event.step
        tail = [e for e in self.tool_events if e.step == answered and answered > 0]
        already = {m.tool_call_id for m in messages if m.role == "tool"}
        messages += [Message(role="tool", tool_call_id=e.call_id, content=e.output)
                     for e in tail if e.call_id not in already]
        return messages


def read_trace(path: Path) -> Trace:
    """Parse a trace; TraceError names the file and line of the first bad line.

    A last line without its newline (a crash mid-write) is dropped and the trace counts as incomplete.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TraceError(f"{path}: cannot read trace: {exc.strerror}") from None
    lines = data.split(b"\n")
    if lines and lines[-1] != b"":
        lines = lines[:-1]
    events = [_parse(path, n, line) for n, line in enumerate(lines, 1) if line.strip()]
    if not events or not isinstance(events[0], StartEvent):
        raise TraceError(f"{path}: line 1: trace does not begin with a start event")
    trace = Trace(path=path, start=events[0])
    for n, event in enumerate(events[1:], 2):
        if trace.end is not None or isinstance(event, StartEvent):
            raise TraceError(f"{path}: line {n}: event after end or second start")
        if isinstance(event, EndEvent):
            trace.end = event
        else:
            trace.events.append(event)
    return trace


def _parse(path: Path, n: int, line: bytes) -> TraceEvent:
    try:
        return _EVENT.validate_python(orjson.loads(line))
    except orjson.JSONDecodeError:
        raise TraceError(f"{path}: line {n}: not valid JSON") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        raise TraceError(f"{path}: line {n}: field '{'.'.join(map(str, first['loc']))}': {first['msg']}") from None
