"""A policy that plays a fixed script: the fake model of tests and benchmarks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from harvester.policies import Reply
from harvester.records import FunctionCall, Message, ToolCall, Usage

# A step is a final answer (str) or tool calls [(name, arguments)]; a str argument is sent as-is (even malformed).
Step = str | Sequence[tuple[str, dict[str, Any] | str]]


def _tokens(chars: int) -> int:
    return (chars + 3) // 4


class ScriptedPolicy:
    """Replies with `steps` in order, then with a final answer; call ids are `call_<step>_<n>`.

    Usage is estimated at four characters a token. `last_messages` is the history of the latest request.
    """

    kind = "scripted"

    def __init__(self, steps: Sequence[Step], model: str = "scripted", final: str = "Done.") -> None:
        self.model = model
        self.steps = list(steps)
        self.final = final
        self.calls = 0
        self.last_messages: list[Message] = []
        self._prompt_chars = 0
        self._seen = 0

    def next(self, messages: list[Message], tools: list[dict[str, Any]]) -> Reply:
        self.last_messages = messages
        for message in messages[self._seen:]:  # count only what is new since the last request
            self._prompt_chars += len(message.content or "")
            self._prompt_chars += sum(len(c.function.arguments) for c in message.tool_calls or ())
        self._seen = len(messages)
        step = self.steps[self.calls] if self.calls < len(self.steps) else self.final
        self.calls += 1
        message = self._message(step)
        out = len(message.content or "") + sum(len(c.function.arguments) for c in message.tool_calls or ())
        prompt, completion = _tokens(self._prompt_chars), _tokens(out)
        usage = Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion)
        return Reply(message=message, usage=usage, finish_reason="stop" if isinstance(step, str) else "tool_calls",
                     response_id=f"scripted-{self.calls}")

    def _message(self, step: Step) -> Message:
        if isinstance(step, str):
            return Message(role="assistant", content=step)
        calls = [ToolCall(id=f"call_{self.calls}_{n}", function=FunctionCall(
                     name=name, arguments=args if isinstance(args, str) else orjson.dumps(args).decode()))
                 for n, (name, args) in enumerate(step)]
        return Message(role="assistant", content=None, tool_calls=calls)
