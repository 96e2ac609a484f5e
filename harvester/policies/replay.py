"""A policy that re-issues the assistant messages recorded in a trace (re-labelling, debugging)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harvester.policies import Reply
from harvester.records import Message, Usage
from harvester.trace import read_trace


class ReplayPolicy:
    """Replies with the recorded responses in order, whatever the tools return; then a final message.

    The recorded usage, reasoning and ids are replayed too, so token budgets trip where they did.
    """

    kind = "replay"

    def __init__(self, trace_path: Path, final: str = "Replay finished.") -> None:
        trace = read_trace(Path(trace_path))
        self.model = trace.start.model
        self.source = trace.start.episode_id
        self._events = trace.model_events
        self._final = final
        self.calls = 0

    def next(self, messages: list[Message], tools: list[dict[str, Any]]) -> Reply:
        self.calls += 1
        if self.calls > len(self._events):
            return Reply(message=Message(role="assistant", content=self._final), usage=Usage(), finish_reason="stop")
        event = self._events[self.calls - 1]
        return Reply(message=event.response, usage=event.usage, reasoning=event.reasoning,
                     finish_reason=event.finish_reason, response_id=event.response_id)
