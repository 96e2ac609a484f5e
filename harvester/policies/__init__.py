"""Policies decide the next assistant message; the loop executes its tool calls."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from harvester.records import Message, Usage


@dataclass(frozen=True)
class Reply:
    """An assistant message and what it cost."""

    message: Message
    usage: Usage
    reasoning: str | None = None
    finish_reason: str | None = None
    response_id: str | None = None
    retries: int = 0


class Policy(Protocol):
    """The seam between the loop and whatever picks actions: an endpoint, a search, a script.

    `next` sees exactly the messages and tool schemas the loop sends; it raises PolicyError
    when it cannot answer (the episode ends, as an infrastructure error when `infra`).
    """

    kind: str
    model: str

    def next(self, messages: list[Message], tools: list[dict[str, Any]]) -> Reply: ...
