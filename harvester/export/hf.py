"""Hugging Face TRL / axolotl rows: `messages` + `tools`, tool-call arguments as objects.

Chat templates serialize arguments themselves (`tojson`), so a JSON string here would be encoded twice.
Reasoning returned by the endpoint goes in `reasoning_content`, where Qwen3-style templates read it.
"""

from __future__ import annotations

from typing import Any

from harvester.canonical import Canonical, object_arguments
from harvester.export import Unrepresentable

FILE = "sft.hf.jsonl"


def hf_message(message: dict[str, Any], reasoning: str | None = None) -> dict[str, Any]:
    """One wire message with parsed arguments; Unrepresentable when arguments are not a JSON object."""
    out = dict(message)
    if "tool_calls" in out:
        calls = []
        for call in out["tool_calls"]:
            arguments = object_arguments(call)
            if arguments is None:
                raise Unrepresentable(f"arguments of call {call['id']} are not a JSON object")
            calls.append({"id": call["id"], "type": "function",
                          "function": {"name": call["function"]["name"], "arguments": arguments}})
        out["tool_calls"] = calls
    if reasoning is not None and out["role"] == "assistant":
        out["reasoning_content"] = reasoning
    return out


def hf_messages(messages: list[dict[str, Any]], reasoning: list[str | None]) -> list[dict[str, Any]]:
    return [hf_message(m, r) for m, r in zip(messages, reasoning)]


def sft_row(record: Canonical) -> dict[str, Any]:
    if any(record.malformed):
        raise Unrepresentable("a malformed tool call has no object form")
    return {"messages": hf_messages(record.messages, record.reasoning), "tools": record.tools}
