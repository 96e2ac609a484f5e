"""The three Codex tools (`shell`, `apply_patch`, `update_plan`) as OpenAI function tools, and their executor.

Contract of `execute`: a malformed call or a failed command is data (an output text for the model,
`error` set for a malformed call); only a broken sandbox raises (SandboxError).
"""

from __future__ import annotations

import posixpath
import time
from dataclasses import dataclass
from typing import Any

import orjson

from harvester.patch import PatchError, plan_patch, summarize
from harvester.records import ToolCall
from sandbox import Sandbox, SandboxError

REPO = "/repo"
_PATCH_HELP = """Edit files with a patch. The patch is plain text wrapped in an envelope:

*** Begin Patch
[ one or more file operations ]
*** End Patch

Each file operation starts with a header:
*** Add File: <path> - create a file; every following line starts with + and is its content.
*** Delete File: <path> - remove a file; nothing follows.
*** Update File: <path> - change a file in place, optionally followed by *** Move to: <new path> to rename it.

An update holds one or more hunks, each introduced by @@ (optionally followed by the class or function
the change is in, e.g. `@@ def parse():`). In a hunk every line starts with ' ' (unchanged context),
'-' (removed) or '+' (added). Show about 3 lines of context above and below each change; use @@ headers
when the context alone is ambiguous. Mark a hunk that must match the end of the file with *** End of File.

Example:
*** Begin Patch
*** Update File: pkg/core.py
@@ def greet(name):
-    return "Hi " + name
+    return "Hello, " + name
*** Add File: NOTES.txt
+greeting changed
*** End Patch

Paths are relative to the repository root, never absolute. A patch that fails anywhere changes no file."""


def _function(name: str, description: str, properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    parameters = {"type": "object", "properties": properties, "required": required, "additionalProperties": False}
    return {"type": "function", "function": {"name": name, "description": description, "parameters": parameters}}


TOOLS: list[dict[str, Any]] = [
    _function("shell", "Runs a command and returns its exit code, wall time and output.\n"
              '- Give `command` as an argv array; use ["bash", "-lc", "<script>"] for pipes and redirections.\n'
              "- Always set `workdir` instead of using `cd`; each call starts in a fresh shell.", {
                  "command": {"type": "array", "items": {"type": "string"},
                              "description": "The command to run (argv)."},
                  "workdir": {"type": "string", "description": "Directory to run the command in (default /repo)."},
                  "timeout_ms": {"type": "number", "description": "Timeout for the command in milliseconds."},
              }, ["command"]),
    _function("apply_patch", _PATCH_HELP, {
        "input": {"type": "string", "description": "The whole patch, from *** Begin Patch to *** End Patch."},
    }, ["input"]),
    _function("update_plan", "Updates the task plan.\nGive an optional explanation and the list of steps, each with "
              "a status. At most one step can be in_progress at a time.", {
                  "explanation": {"type": "string"},
                  "plan": {"type": "array", "description": "The steps of the plan.", "items": {
                      "type": "object", "additionalProperties": False, "required": ["step", "status"],
                      "properties": {"step": {"type": "string"}, "status": {
                          "type": "string", "enum": ["pending", "in_progress", "completed"]}}}},
              }, ["plan"]),
]
TOOL_NAMES = tuple(t["function"]["name"] for t in TOOLS)
_STATUSES = ("pending", "in_progress", "completed")


@dataclass(frozen=True)
class ToolOutcome:
    """What one tool call produced; `output_text` is exactly what the model is shown.

    `duration_s` is the whole call as seen by the harness; the shell's own wall time is in the text.
    """

    output_text: str
    exit_code: int | None = None
    timed_out: bool = False
    output_bytes: int = 0
    duration_s: float = 0.0
    error: str | None = None


class _Malformed(ValueError):
    """The call does not match the tool's schema; the message is shown to the model."""


def execute(sandbox: Sandbox, call: ToolCall, default_timeout_s: float, max_timeout_s: float = 600.0) -> ToolOutcome:
    """Run one tool call in `sandbox`; never raises for a bad call, only for a broken sandbox."""
    name, t0 = call.function.name, time.monotonic()
    try:
        if name not in TOOL_NAMES:
            raise _Malformed(f"unknown tool '{name}'; available tools: {', '.join(TOOL_NAMES)}")
        args = _arguments(call.function.arguments)
        if name == "shell":
            return _shell(sandbox, args, default_timeout_s, max_timeout_s, t0)
        if name == "apply_patch":
            return _apply_patch(sandbox, _field(args, "input", str, True), t0)
        return _update_plan(args, t0)
    except _Malformed as exc:
        text = f"Error: {name}: {exc}" if name in TOOL_NAMES else f"Error: {exc}"
        return ToolOutcome(text, duration_s=time.monotonic() - t0, error=str(exc))


def _arguments(raw: str) -> dict[str, Any]:
    try:
        value = orjson.loads(raw or "{}")
    except orjson.JSONDecodeError as exc:
        raise _Malformed(f"arguments are not valid JSON ({exc}); send a JSON object matching the tool's schema")
    if not isinstance(value, dict):
        raise _Malformed(f"arguments must be a JSON object, got {type(value).__name__}")
    return value


def _field(args: dict[str, Any], key: str, kind: type | tuple[type, ...], required: bool) -> Any:
    if key not in args:
        if required:
            raise _Malformed(f"missing required field '{key}'")
        return None
    value = args[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        want = {str: "a string", list: "an array"}.get(kind, "a number")  # type: ignore[call-overload]
        raise _Malformed(f"field '{key}' must be {want}, got {orjson.dumps(value).decode()[:80]}")
    return value


def _shell(sandbox: Sandbox, args: dict[str, Any], default_timeout_s: float, max_timeout_s: float,
           t0: float) -> ToolOutcome:
    command = _field(args, "command", list, True)
    if not command or not all(isinstance(a, str) and "\0" not in a for a in command):
        raise _Malformed('field \'command\' must be a non-empty array of strings (argv), e.g. ["bash", "-lc", "ls"]')
    workdir = posixpath.normpath(posixpath.join(REPO, _field(args, "workdir", str, False) or "."))
    timeout_ms = _field(args, "timeout_ms", (int, float), False)
    timeout = default_timeout_s if timeout_ms is None else timeout_ms / 1000
    timeout = min(max(timeout, 0.001), max_timeout_s)
    result = sandbox.exec(command, workdir=workdir, timeout=timeout)
    text = f"Exit code: {result.exit_code}\nWall time: {result.duration_s:.1f} seconds\nOutput:\n{result.output}"
    if result.timed_out:
        text += f"\n(command timed out after {timeout:g}s)"
    if result.oom_killed:
        text += "\n(command was killed: out of memory)"
    if result.output_limited:
        text += f"\n(command was stopped after printing {result.output_bytes} bytes)"
    return ToolOutcome(text, result.exit_code, result.timed_out, result.output_bytes, time.monotonic() - t0)


# Checked before the first write so a patch cannot fail halfway on a file where a directory must go.
_PRECHECK = r"""for p in "$@"; do
  [ -d "$p" ] && { echo "Failed to write ${p#/repo/}: it is a directory"; exit 1; }
  d=$(dirname -- "$p")
  while [ "$d" != /repo ] && [ "$d" != / ]; do
    [ -e "$d" ] && [ ! -d "$d" ] && { echo "Failed to write ${p#/repo/}: ${d#/repo/} is not a directory"; exit 1; }
    d=$(dirname -- "$d")
  done
done"""


def _apply_patch(sandbox: Sandbox, text: str, t0: float) -> ToolOutcome:
    def read(path: str) -> str | None:
        try:
            data = sandbox.read_file(posixpath.join(REPO, path))
        except FileNotFoundError:
            return None
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise PatchError(f"Failed to read {path}: it is not UTF-8 text") from None

    try:
        changes = plan_patch(text, read)
        targets = [posixpath.join(REPO, c.new_path or c.path) for c in changes if c.content is not None]
        check = targets and sandbox.exec(["bash", "-c", _PRECHECK, "precheck", *targets], workdir=REPO, timeout=30)
        if check and check.exit_code != 0:
            raise PatchError(check.output.strip() or "Failed to check the target paths")
        for change in changes:
            if change.content is not None:
                sandbox.write_file(posixpath.join(REPO, change.new_path or change.path), change.content)
            if change.content is None or change.new_path:
                sandbox.remove_file(posixpath.join(REPO, change.path))
    except SandboxError:
        raise  # some are OSErrors too, but they mean the machinery broke, not the patch
    except (PatchError, OSError) as exc:
        return ToolOutcome(f"apply_patch failed: {exc}", 1, duration_s=time.monotonic() - t0)
    return ToolOutcome(summarize(changes), 0, duration_s=time.monotonic() - t0)


def _update_plan(args: dict[str, Any], t0: float) -> ToolOutcome:
    _field(args, "explanation", str, False)
    plan = _field(args, "plan", list, True)
    for n, item in enumerate(plan):
        if not isinstance(item, dict) or not isinstance(item.get("step"), str) or item.get("status") not in _STATUSES:
            raise _Malformed(f"plan[{n}] must be an object with 'step' (string) and 'status' "
                             f"(one of {', '.join(_STATUSES)})")
    if sum(item["status"] == "in_progress" for item in plan) > 1:
        raise _Malformed("at most one step can be in_progress")
    return ToolOutcome("Plan updated", 0, duration_s=time.monotonic() - t0)
