"""OpenAI chat fine-tuning rows: `messages`, `tools`, `parallel_tool_calls`; arguments stay JSON strings.

Every assistant message carries `weight`: 1, or 0 for a turn whose tool call was malformed (kept in the
conversation because the model saw its error, never trained on).
"""

from __future__ import annotations

from typing import Any

from harvester.canonical import Canonical

FILE = "sft.openai.jsonl"


def weighted(messages: list[dict[str, Any]], malformed: list[bool]) -> list[dict[str, Any]]:
    return [{**m, "weight": 0 if bad else 1} if m["role"] == "assistant" else m
            for m, bad in zip(messages, malformed)]


def sft_row(record: Canonical) -> dict[str, Any]:
    return {"messages": weighted(record.messages, record.malformed), "tools": record.tools,
            "parallel_tool_calls": record.parallel_tool_calls}
