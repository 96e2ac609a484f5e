"""Rows for templates without tool support: tool calls flattened into the assistant's text.

The convention SWE-Gym and SWE-smith trained on (OpenHands' function-call converter): the system prompt
describes every tool, a call is `<function=NAME>` with one `<parameter=KEY>VALUE</parameter>` per
argument (multi-line values on their own lines, non-strings as JSON), and each tool result comes back as
a user message `EXECUTION RESULT of [NAME]:` + the exact output. Results of parallel calls share one user
message so roles keep alternating.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import orjson

from harvester.canonical import Canonical, object_arguments
from harvester.export import Unrepresentable

FILE = "sft.text.jsonl"
RESULT_PREFIX = "EXECUTION RESULT of [{name}]:\n"
_INSTRUCTIONS = """
You have access to the following functions:

{tools}
To call a function, reply with this format and nothing after it:

<function=example_function_name>
<parameter=example_parameter_1>value_1</parameter>
<parameter=example_parameter_2>
a value that spans
several lines
</parameter>
</function>

Give required parameters; write arrays and numbers as JSON. Explain your reasoning before the call, never
after it. Several calls in one reply run in order. Reply without a function call when you are done.
"""


@lru_cache(maxsize=16)
def _suffix(tools_json: bytes) -> str:
    # every episode of a run is offered the same tools: describe them once
    return _INSTRUCTIONS.format(tools=tools_text(orjson.loads(tools_json)))


def tools_text(tools: list[dict[str, Any]]) -> str:
    blocks = []
    for n, tool in enumerate(tools, 1):
        fn = tool["function"]
        params = orjson.dumps(fn.get("parameters", {}), option=orjson.OPT_INDENT_2).decode()
        blocks.append(f"---- BEGIN FUNCTION #{n}: {fn['name']} ----\nDescription: {fn.get('description', '')}\n"
                      f"Parameters: {params}\n---- END FUNCTION #{n} ----\n")
    return "\n".join(blocks)


def call_text(call: dict[str, Any]) -> str:
    arguments = object_arguments(call)
    if arguments is None:
        raise Unrepresentable(f"arguments of call {call['id']} are not a JSON object")
    lines = [f"<function={call['function']['name']}>"]
    for key, value in arguments.items():
        text = value if isinstance(value, str) else orjson.dumps(value).decode()
        if "\n" in text:  # multi-line values sit on lines of their own, as OpenHands writes them
            text = f"\n{text}\n"
        lines.append(f"<parameter={key}>{text}</parameter>")
    return "\n".join(lines + ["</function>"])


def sft_row(record: Canonical) -> dict[str, Any]:
    if any(record.malformed):
        raise Unrepresentable("a malformed tool call has no text form")
    messages = record.messages
    has_system = messages[0]["role"] == "system"
    suffix = _suffix(orjson.dumps(record.tools))
    out = [{"role": "system", "content": messages[0]["content"] + suffix if has_system else suffix.lstrip()}]
    names: dict[str, str] = {}
    after_tool = False
    for message in messages[1 if has_system else 0:]:
        if message["role"] == "tool":
            result = RESULT_PREFIX.format(name=names.get(message["tool_call_id"], "unknown")) + message["content"]
            if after_tool:
                out[-1]["content"] += "\n\n" + result
            else:
                out.append({"role": "user", "content": result})
            after_tool = True
            continue
        after_tool = False
        calls = message.get("tool_calls") or []
        names.update((c["id"], c["function"]["name"]) for c in calls)
        parts = ([message["content"]] if message.get("content") else []) + ["\n".join(map(call_text, calls))]
        out.append({"role": message["role"], "content": "\n\n".join(p for p in parts if p)})
    return {"messages": out}
