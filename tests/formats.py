"""Validators for every export format; each raises AssertionError naming the file, row and rule broken.

Reusable by any test: `validate_export_dir(path)` checks every file an export wrote, plus the sidecar.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from harvester.records import ExportMeta

ROLES = {"system", "user", "assistant", "tool"}
FUNCTION = re.compile(r"<function=([^>]+)>\n(.*?)</function>", re.DOTALL)
PARAMETER = re.compile(r"<parameter=([^>]+)>(.*?)</parameter>", re.DOTALL)


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _check_tools(where: str, tools: Any) -> dict[str, Draft202012Validator]:
    assert isinstance(tools, list) and tools, f"{where}: tools must be a non-empty list"
    schemas = {}
    for tool in tools:
        assert tool.get("type") == "function" and set(tool["function"]) >= {"name", "parameters"}, f"{where}: bad tool"
        Draft202012Validator.check_schema(tool["function"]["parameters"])
        schemas[tool["function"]["name"]] = Draft202012Validator(tool["function"]["parameters"])
    return schemas


def _check_call(where: str, call: dict, schemas: dict, object_args: bool, strict: bool = True) -> None:
    assert call.get("type") == "function" and call.get("id"), f"{where}: tool call needs id and type"
    args = call["function"]["arguments"]
    if object_args:
        assert isinstance(args, dict), f"{where}: arguments must be an object, got {type(args).__name__}"
    else:
        assert isinstance(args, str), f"{where}: arguments must be a JSON string"
        if not strict:
            return
        args = json.loads(args)
        assert isinstance(args, dict), f"{where}: arguments must encode an object"
    name = call["function"]["name"]
    assert name in schemas, f"{where}: unknown tool {name}"
    errors = sorted(schemas[name].iter_errors(args), key=str)
    assert not errors, f"{where}: arguments do not fit {name}'s schema: {errors[0].message}"


def check_messages(where: str, messages: list, schemas: dict, object_args: bool, weights: bool,
                   final_assistant: bool = True) -> None:
    """Roles, tool calls answered in order before anything else, arguments, weights, last message."""
    assert isinstance(messages, list) and messages, f"{where}: messages must be a non-empty list"
    pending: list[str] = []
    for n, m in enumerate(messages):
        at, role = f"{where} message {n}", m.get("role")
        assert role in ROLES, f"{at}: bad role {role}"
        assert role != "system" or n == 0, f"{at}: system message not first"
        if pending:
            assert role == "tool" and m.get("tool_call_id") == pending[0], f"{at}: expected answer to {pending[0]}"
            pending.pop(0)
        else:
            assert role != "tool", f"{at}: tool message answers no call"
        assert ("weight" in m) == (weights and role == "assistant"), f"{at}: weight only (and always) on assistant"
        assert m.get("weight", 1) in (0, 1) and not isinstance(m.get("weight", 1), bool), f"{at}: weight not 0/1"
        if "reasoning_content" in m:
            assert object_args and role == "assistant" and isinstance(m["reasoning_content"], str), f"{at}: reasoning"
        if role == "assistant" and m.get("tool_calls"):
            assert isinstance(m.get("content", ""), (str, type(None))), f"{at}: content"
            for call in m["tool_calls"]:
                _check_call(at, call, schemas, object_args, strict=m.get("weight", 1) == 1)
            pending = [c["id"] for c in m["tool_calls"]]
        else:
            assert isinstance(m.get("content"), str), f"{at}: content must be a string"
            assert "tool_calls" not in m, f"{at}: tool_calls on a {role} message"
    assert not pending, f"{where}: calls {pending} never answered"
    if final_assistant:
        last = messages[-1]
        assert last["role"] == "assistant" and not last.get("tool_calls"), f"{where}: last message is no final answer"
        assert last.get("weight", 1) == 1, f"{where}: last assistant message is not trained"


def validate_openai_file(path: Path, min_rows: int = 1) -> int:
    rows = _rows(path)
    assert len(rows) >= min_rows, f"{path}: {len(rows)} rows, need {min_rows}"
    for n, row in enumerate(rows):
        where = f"{path.name} row {n}"
        assert set(row) == {"messages", "tools", "parallel_tool_calls"}, f"{where}: keys {sorted(row)}"
        assert isinstance(row["parallel_tool_calls"], bool), f"{where}: parallel_tool_calls"
        check_messages(where, row["messages"], _check_tools(where, row["tools"]), object_args=False, weights=True)
        if not row["parallel_tool_calls"]:
            assert all(len(m.get("tool_calls", [])) <= 1 for m in row["messages"]), f"{where}: parallel calls"
    return len(rows)


def validate_hf_file(path: Path) -> int:
    rows = _rows(path)
    for n, row in enumerate(rows):
        where = f"{path.name} row {n}"
        assert set(row) == {"messages", "tools"}, f"{where}: keys {sorted(row)}"
        check_messages(where, row["messages"], _check_tools(where, row["tools"]), object_args=True, weights=False)
    return len(rows)


def validate_sharegpt_file(path: Path, dataset_info: dict) -> int:
    """LLaMA-Factory's rules: tags alternate human|observation then gpt|function_call, even count, ends gpt."""
    entry = next(e for e in dataset_info.values() if e["file_name"] == path.name)
    assert entry["formatting"] == "sharegpt", "dataset_info: formatting must be sharegpt"
    assert entry["columns"] == {"messages": "conversations", "system": "system", "tools": "tools"}
    rows = _rows(path)
    for n, row in enumerate(rows):
        where = f"{path.name} row {n}"
        assert set(row) == {"conversations", "system", "tools"}, f"{where}: keys {sorted(row)}"
        schemas = _check_tools(where, json.loads(row["tools"]))
        turns = row["conversations"]
        assert turns and len(turns) % 2 == 0 and turns[-1]["from"] == "gpt", f"{where}: must end with gpt, even count"
        for i, turn in enumerate(turns):
            assert set(turn) == {"from", "value"} and isinstance(turn["value"], str), f"{where} turn {i}: keys"
            allowed = ("human", "observation") if i % 2 == 0 else ("gpt", "function_call")
            assert turn["from"] in allowed, f"{where} turn {i}: {turn['from']} breaks alternation"
            if turn["from"] == "function_call":
                calls = json.loads(turn["value"])
                for k, call in enumerate(calls if isinstance(calls, list) else [calls]):
                    assert set(call) == {"name", "arguments"}, f"{where} turn {i}: function_call keys"
                    fake = {"id": "x", "type": "function", "function": call}
                    _check_call(f"{where} turn {i} call {k}", fake, schemas, object_args=True)
    return len(rows)


def validate_text_file(path: Path) -> int:
    rows = _rows(path)
    for n, row in enumerate(rows):
        where = f"{path.name} row {n}"
        assert set(row) == {"messages"}, f"{where}: keys {sorted(row)}"
        messages = row["messages"]
        assert messages[0]["role"] == "system" and "<function=" in messages[0]["content"], f"{where}: system prompt"
        names = set(re.findall(r"BEGIN FUNCTION #\d+: (\S+) ----", messages[0]["content"]))
        for i, m in enumerate(messages[1:], 1):
            assert set(m) == {"role", "content"} and isinstance(m["content"], str), f"{where} message {i}: keys"
            assert m["role"] == ("user" if i % 2 else "assistant"), f"{where} message {i}: roles must alternate"
            for name, body in FUNCTION.findall(m["content"]) if m["role"] == "assistant" else ():
                assert name in names, f"{where} message {i}: unknown function {name}"
                assert PARAMETER.findall(body), f"{where} message {i}: call without parameters"
        assert messages[-1]["role"] == "assistant" and "<function=" not in messages[-1]["content"], f"{where}: last"
    return len(rows)


def _check_completion(where: str, output: Any, schemas: dict, object_args: bool) -> None:
    assert isinstance(output, list) and len(output) == 1, f"{where}: exactly one assistant message"
    message = output[0]
    assert message["role"] == "assistant" and "weight" not in message, f"{where}: not a plain assistant message"
    for call in message.get("tool_calls") or ():
        _check_call(where, call, schemas, object_args)
    assert message.get("tool_calls") or isinstance(message.get("content"), str), f"{where}: empty reply"


def validate_dpo_openai_file(path: Path) -> int:
    rows = _rows(path)
    for n, row in enumerate(rows):
        where = f"{path.name} row {n}"
        assert set(row) == {"input", "preferred_output", "non_preferred_output"}, f"{where}: keys {sorted(row)}"
        assert set(row["input"]) == {"messages", "tools", "parallel_tool_calls"}, f"{where}: input keys"
        schemas = _check_tools(where, row["input"]["tools"])
        prompt = row["input"]["messages"]
        check_messages(where, prompt, schemas, object_args=False, weights=False, final_assistant=False)
        assert prompt[-1]["role"] in ("user", "tool"), f"{where}: the prompt must end before a reply"
        for key in ("preferred_output", "non_preferred_output"):
            _check_completion(f"{where} {key}", row[key], schemas, object_args=False)
        assert row["preferred_output"] != row["non_preferred_output"], f"{where}: identical outputs"
    return len(rows)


def validate_dpo_trl_file(path: Path) -> int:
    rows = _rows(path)
    for n, row in enumerate(rows):
        where = f"{path.name} row {n}"
        assert set(row) == {"prompt", "chosen", "rejected", "tools"}, f"{where}: keys {sorted(row)}"
        schemas = _check_tools(where, row["tools"])
        check_messages(where, row["prompt"], schemas, object_args=True, weights=False, final_assistant=False)
        assert row["prompt"][-1]["role"] in ("user", "tool"), f"{where}: the prompt must end before a reply"
        for key in ("chosen", "rejected"):
            _check_completion(f"{where} {key}", row[key], schemas, object_args=True)
    return len(rows)


def validate_export_dir(out: Path, min_openai_rows: int = 1) -> dict[str, int]:
    """Validate every export file present and that meta.jsonl has exactly one line per row of each."""
    info = out / "dataset_info.json"
    checks = {"sft.openai.jsonl": lambda p: validate_openai_file(p, min_openai_rows), "sft.hf.jsonl": validate_hf_file,
              "sft.text.jsonl": validate_text_file, "dpo.openai.jsonl": validate_dpo_openai_file,
              "dpo.trl.jsonl": validate_dpo_trl_file,
              "sft.sharegpt.jsonl": lambda p: validate_sharegpt_file(p, json.loads(info.read_text()))}
    counts = {name: check(out / name) for name, check in checks.items() if (out / name).exists()}
    meta = [ExportMeta.model_validate_json(line).model_dump() for line in (out / "meta.jsonl").open()]
    for name, n in counts.items():
        assert sorted(m["row"] for m in meta if m["file"] == name) == list(range(n)), f"meta.jsonl: rows of {name}"
    assert len(meta) == sum(counts.values()), "meta.jsonl: lines for files that are not there"
    return counts
