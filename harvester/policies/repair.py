"""The built-in offline policy: a deterministic, seeded, search-based repair agent.

It acts only through the loop's tools. The policy keeps no state between calls: each `next`
replays the search over the conversation so far (the search is deterministic given the seed),
so one instance can serve many episodes, in any order, from any thread.
"""

from __future__ import annotations

import json
import random
from typing import Any

from harvester.errors import PolicyError
from harvester.policies import Reply
from harvester.policies.repair_agent import Action, Search, repair
from harvester.records import Budget, FunctionCall, Message, ToolCall, Usage

_CHARS_PER_TOKEN = 4
_STEPS_AFTER_CANDIDATE = 2  # a revert and the closing summary


class _Pace:
    """What the budget has left at the point of the conversation being replayed."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.steps = 0
        self.tokens = 0
        self.prompt = 0

    def room(self) -> bool:
        steps_left = self.budget.max_steps - self.steps
        tokens_needed = (1 + _STEPS_AFTER_CANDIDATE) * (self.prompt + 1_000)
        return steps_left > _STEPS_AFTER_CANDIDATE and self.tokens + tokens_needed <= self.budget.max_tokens


class RepairPolicy:
    """Seeded repair search; `budget` should be the episode's, so it stops in time to revert and report."""

    kind = "repair"
    model = "repair-v1"

    def __init__(self, seed: int, max_candidates: int = 80, budget: Budget | None = None) -> None:
        self.seed = seed
        self.max_candidates = max_candidates
        self.budget = budget or Budget()

    def next(self, messages: list[Message], tools: list[dict[str, Any]]) -> Reply:
        action = self._replay(messages, tools)
        step = 1 + sum(message.role == "assistant" for message in messages)
        calls = [ToolCall(id=f"call_{step}_{i}", function=FunctionCall(name=name, arguments=json.dumps(args)))
                 for i, (name, args) in enumerate(action.calls)]
        message = Message(role="assistant", content=action.content, tool_calls=calls or None)
        prompt = _tokens(messages, tools)
        completion = _tokens([message], [])
        usage = Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion)
        return Reply(message=message, usage=usage, finish_reason="tool_calls" if calls else "stop")

    def _replay(self, messages: list[Message], tools: list[dict[str, Any]]) -> Action:
        """Run the search from the start, feeding it the tool outputs already in the conversation."""
        task = next((m.content for m in messages if m.role == "user" and m.content), None)
        if task is None:
            raise PolicyError("repair: the conversation has no task message", infra=False)
        pace = _Pace(self.budget)
        search = repair(task, random.Random(self.seed), self.max_candidates, pace.room)
        action = _send(search, None)
        answers = {m.tool_call_id: m.content or "" for m in messages if m.role == "tool"}
        sizes = [_tokens([m], []) for m in messages]
        fixed = _tokens([], tools)
        turns = [i for i, m in enumerate(messages) if m.role == "assistant"]
        for n, i in enumerate(turns):
            _check_same(action, messages[i])
            pace.steps += 1
            pace.tokens += fixed + sum(sizes[: i + 1])
            pace.prompt = fixed + sum(sizes[: turns[n + 1] if n + 1 < len(turns) else len(messages)])
            outputs = [answers.get(call.id, "") for call in messages[i].tool_calls or []]
            action = _send(search, outputs)
        return action


def _send(search: Search, outputs: list[str] | None) -> Action:
    try:
        return search.send(outputs)  # type: ignore[arg-type]
    except StopIteration:
        raise PolicyError("repair: the search already finished; no further turns", infra=False) from None


def _check_same(action: Action, message: Message) -> None:
    sent = [(call.function.name, json.loads(call.function.arguments)) for call in message.tool_calls or []]
    if sent != action.calls or message.content != action.content:
        raise PolicyError("repair: the conversation differs from what this policy would have said "
                          "(other seed or another policy's history)", infra=False)


def _tokens(messages: list[Message], tools: list[dict[str, Any]]) -> int:
    """About four characters per token over the wire form."""
    chars = sum(len(json.dumps(m.wire(), ensure_ascii=False)) for m in messages)
    chars += len(json.dumps(tools)) if tools else 0
    return chars // _CHARS_PER_TOKEN
