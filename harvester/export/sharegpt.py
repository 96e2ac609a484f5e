"""LLaMA-Factory `sharegpt` rows with `function_call` / `observation` turns, and their dataset_info.json entry.

Follows LLaMA-Factory's own converters (src/llamafactory/data/converter.py): human/observation turns at
odd positions, gpt/function_call at even ones, an even count ending with gpt; parallel calls are one
`function_call` whose value is a JSON list; consecutive tool results become one observation joined the way
its OpenAI converter joins them. The format has no place for text said beside tool calls nor for
reasoning, so both are left out (as LLaMA-Factory's converter does).
"""

from __future__ import annotations

from typing import Any

import orjson

from harvester.canonical import Canonical, object_arguments
from harvester.export import Unrepresentable

FILE = "sft.sharegpt.jsonl"
DATASET_INFO = "dataset_info.json"
RESULT_JOIN = "\n</tool_response>\n<tool_response>\n"
TAGS = {"role_tag": "from", "content_tag": "value", "user_tag": "human", "assistant_tag": "gpt",
        "observation_tag": "observation", "function_tag": "function_call", "system_tag": "system"}
ODD, EVEN = ("human", "observation"), ("gpt", "function_call")


def dataset_info(name: str) -> dict[str, Any]:
    """The dataset_info.json entry that makes LLaMA-Factory read sft.sharegpt.jsonl."""
    return {name: {"file_name": FILE, "formatting": "sharegpt",
                   "columns": {"messages": "conversations", "system": "system", "tools": "tools"}, "tags": TAGS}}


def sft_row(record: Canonical) -> dict[str, Any]:
    if any(record.malformed):
        raise Unrepresentable("a malformed tool call has no function_call form")
    messages = record.messages
    system = messages[0]["content"] if messages and messages[0]["role"] == "system" else ""
    turns: list[dict[str, str]] = []
    results: list[str] = []
    for message in messages[1 if system else 0:]:
        if message["role"] == "tool":
            results.append(message["content"])
            continue
        if results:
            turns.append({"from": "observation", "value": RESULT_JOIN.join(results)})
            results = []
        turns.append(_turn(message))
    if results:
        turns.append({"from": "observation", "value": RESULT_JOIN.join(results)})
    _check_alternation(turns)
    return {"conversations": turns, "system": system, "tools": orjson.dumps(record.tools).decode()}


def _turn(message: dict[str, Any]) -> dict[str, str]:
    if message["role"] == "user":
        return {"from": "human", "value": message["content"]}
    if message["role"] != "assistant":
        raise Unrepresentable(f"a {message['role']} message inside the conversation has no sharegpt role")
    if not message.get("tool_calls"):
        return {"from": "gpt", "value": message.get("content") or ""}
    calls = [{"name": c["function"]["name"], "arguments": object_arguments(c)} for c in message["tool_calls"]]
    value = calls[0] if len(calls) == 1 else calls
    return {"from": "function_call", "value": orjson.dumps(value).decode()}


def _check_alternation(turns: list[dict[str, str]]) -> None:
    for n, turn in enumerate(turns):
        if turn["from"] not in (ODD, EVEN)[n % 2]:
            raise Unrepresentable(f"turn {n} is {turn['from']}, which breaks sharegpt alternation")
    if len(turns) % 2 or not turns or turns[-1]["from"] != "gpt":
        raise Unrepresentable("the conversation does not end with a gpt turn")
