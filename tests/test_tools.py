"""The Codex tools against a real container: output format, workdir, timeouts, patches, malformed calls."""

from __future__ import annotations

import json
import re
import pytest

from harvester.records import FunctionCall, ToolCall
from harvester.tools import TOOL_NAMES, TOOLS, execute
from sandbox import Sandbox, connect
from sandbox.images import ensure_base_image

OPS = "def add(a, b):\n    return a - b\n\n\ndef mul(a, b):\n    return a * b\n"


@pytest.fixture(scope="module")
def box(tmp_path_factory):
    repo = tmp_path_factory.mktemp("repo")
    (repo / "calc").mkdir()
    (repo / "calc" / "ops.py").write_text(OPS)
    (repo / "calc" / "__init__.py").write_text("")
    (repo / "data.bin").write_bytes(b"\xff\xfe\x00binary")
    client = connect()
    with Sandbox.start(ensure_base_image(client), labels={"harvester.run": "test-tools"}, client=client) as sb:
        sb.copy_repo(repo, "/repo")
        yield sb


@pytest.fixture
def sb(box):
    """The module's container with /repo reset to its baseline before each test."""
    assert box.exec("git reset -q --hard && git clean -qfdx").exit_code == 0
    return box


def call(name: str, arguments, call_id: str = "c1") -> ToolCall:
    raw = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return ToolCall(id=call_id, function=FunctionCall(name=name, arguments=raw))


def run(sb, name: str, arguments, timeout: float = 10.0, max_timeout: float = 600.0):
    return execute(sb, call(name, arguments), timeout, max_timeout)


def test_schemas_are_openai_function_tools():
    assert TOOL_NAMES == ("shell", "apply_patch", "update_plan")
    shell, patch, plan = (t["function"] for t in TOOLS)
    assert all(t["type"] == "function" for t in TOOLS)
    assert shell["parameters"]["required"] == ["command"]
    assert shell["parameters"]["properties"]["command"] == {
        "type": "array", "items": {"type": "string"}, "description": "The command to run (argv)."}
    assert set(shell["parameters"]["properties"]) == {"command", "workdir", "timeout_ms"}
    assert patch["parameters"]["required"] == ["input"] and "*** Begin Patch" in patch["description"]
    assert plan["parameters"]["required"] == ["plan"]
    assert plan["parameters"]["properties"]["plan"]["items"]["properties"]["status"]["enum"] == [
        "pending", "in_progress", "completed"]
    json.dumps(TOOLS)


def test_shell_output_is_codex_text(sb):
    out = run(sb, "shell", {"command": ["bash", "-lc", "echo hello; echo oops >&2; exit 3"]})
    assert re.fullmatch(r"Exit code: 3\nWall time: \d+\.\d seconds\nOutput:\nhello\noops\n", out.output_text)
    assert (out.exit_code, out.timed_out, out.error, out.output_bytes) == (3, False, None, 11)
    assert out.duration_s > 0


def test_shell_workdir_default_relative_absolute_and_missing(sb):
    assert run(sb, "shell", {"command": ["pwd"]}).output_text.endswith("Output:\n/repo\n")
    assert run(sb, "shell", {"command": ["pwd"], "workdir": "calc"}).output_text.endswith("Output:\n/repo/calc\n")
    assert run(sb, "shell", {"command": ["pwd"], "workdir": "/tmp"}).output_text.endswith("Output:\n/tmp\n")
    missing = run(sb, "shell", {"command": ["pwd"], "workdir": "nope"})
    assert missing.exit_code == 127 and "workdir does not exist: /repo/nope" in missing.output_text


def test_shell_timeout_ms_and_clamp(sb):
    out = run(sb, "shell", {"command": ["sleep", "5"], "timeout_ms": 300})
    assert out.timed_out and out.output_text.endswith("\n(command timed out after 0.3s)")
    assert out.duration_s < 4
    clamped = run(sb, "shell", {"command": ["sleep", "5"], "timeout_ms": 10_000_000}, max_timeout=0.5)
    assert clamped.timed_out and clamped.output_text.endswith("(command timed out after 0.5s)")
    default = run(sb, "shell", {"command": ["sleep", "5"]}, timeout=0.4)
    assert default.timed_out and default.output_text.endswith("(command timed out after 0.4s)")


def test_shell_long_output_is_head_and_tail(sb):
    out = run(sb, "shell", {"command": ["bash", "-lc", "seq 1 100000"]})
    assert out.output_bytes == len("".join(f"{i}\n" for i in range(1, 100001)))
    assert "\n1\n2\n3\n" in out.output_text and out.output_text.endswith("99999\n100000\n")
    assert re.search(r"\[\.\.\. \d+ bytes omitted \.\.\.\]", out.output_text)


MALFORMED = [
    ("shell", "{not json", "not valid JSON"),
    ("shell", "[1, 2]", "must be a JSON object, got list"),
    ("nosuch", {"command": ["ls"]}, "unknown tool 'nosuch'; available tools: shell, apply_patch, update_plan"),
    ("shell", {}, "missing required field 'command'"),
    ("shell", {"command": "ls -la"}, "field 'command' must be an array"),
    ("shell", {"command": []}, "non-empty array of strings"),
    ("shell", {"command": ["ls", 3]}, "non-empty array of strings"),
    ("shell", {"command": ["ls"], "workdir": 5}, "field 'workdir' must be a string"),
    ("shell", {"command": ["ls"], "timeout_ms": "100"}, "field 'timeout_ms' must be a number"),
    ("shell", {"command": ["ls"], "timeout_ms": True}, "field 'timeout_ms' must be a number"),
    ("apply_patch", {"patch": "x"}, "missing required field 'input'"),
    ("apply_patch", {"input": 7}, "field 'input' must be a string"),
    ("update_plan", {"plan": "do it"}, "field 'plan' must be an array"),
    ("update_plan", {"plan": [{"step": "a", "status": "done"}]}, "plan[0] must be an object"),
    ("update_plan", {"plan": [{"step": "a", "status": "in_progress"}, {"step": "b", "status": "in_progress"}]},
     "at most one step can be in_progress"),
]


@pytest.mark.parametrize("name,arguments,message", MALFORMED)
def test_malformed_calls_come_back_as_tool_errors(sb, name, arguments, message):
    out = run(sb, name, arguments)
    assert out.error is not None and message in out.error
    assert out.output_text.startswith("Error: ") and message in out.output_text
    assert out.exit_code is None


def test_update_plan(sb):
    plan = {"explanation": "two steps", "plan": [{"step": "read", "status": "completed"},
                                                 {"step": "fix", "status": "in_progress"}]}
    out = run(sb, "update_plan", plan)
    assert (out.output_text, out.exit_code, out.error) == ("Plan updated", 0, None)


def patch(body: str) -> dict:
    return {"input": f"*** Begin Patch\n{body}\n*** End Patch\n"}


def test_apply_patch_writes_through_the_sandbox(sb):
    body = ("*** Update File: calc/ops.py\n@@ def add(a, b):\n-    return a - b\n+    return a + b\n"
            "*** Add File: calc/new/util.py\n+X = 1\n*** Delete File: calc/__init__.py")
    out = run(sb, "apply_patch", patch(body))
    assert out.output_text == ("Success. Updated the following files:\n"
                               "A calc/new/util.py\nM calc/ops.py\nD calc/__init__.py\n")
    assert (out.exit_code, out.error) == (0, None)
    assert sb.read_text("/repo/calc/ops.py") == OPS.replace("a - b", "a + b")
    assert sb.read_text("/repo/calc/new/util.py") == "X = 1\n"
    with pytest.raises(FileNotFoundError):
        sb.read_file("/repo/calc/__init__.py")


def test_apply_patch_move(sb):
    out = run(sb, "apply_patch", patch("*** Update File: calc/ops.py\n*** Move to: calc/arith.py\n"
                                       "@@\n-    return a * b\n+    return b * a"))
    assert out.output_text.endswith("M calc/arith.py\n")
    assert sb.read_text("/repo/calc/arith.py").endswith("return b * a\n")
    assert sb.exec(["test", "-e", "calc/ops.py"]).exit_code == 1


FAILING = [
    ("*** Update File: calc/ops.py\n@@\n-    return a - b\n+    return a + b\n"
     "*** Update File: calc/ops.py\n@@\n-    return nothing_like_this\n+    x",
     "Failed to find expected lines in calc/ops.py"),
    ("*** Add File: ok.txt\n+fine\n*** Update File: calc/missing.py\n@@\n-a\n+b",
     "calc/missing.py: file does not exist"),
    ("*** Add File: ok.txt\n+fine\n*** Add File: calc/ops.py/inner.py\n+x", "calc/ops.py is not a directory"),
    ("*** Add File: ok.txt\n+fine\n*** Add File: calc\n+x", "Failed to write calc: it is a directory"),
    ("*** Add File: /etc/evil\n+x", "absolute path"),
    ("*** Add File: ../escape.txt\n+x", "outside the working directory"),
    ("*** Update File: data.bin\n@@\n-x\n+y", "data.bin: it is not UTF-8 text"),
    ("*** Frobnicate File: calc/ops.py", "is not a valid hunk header"),
]


@pytest.mark.parametrize("body,message", FAILING)
def test_apply_patch_failure_changes_nothing(sb, body, message):
    out = run(sb, "apply_patch", patch(body))
    assert out.output_text.startswith("apply_patch failed: ") and message in out.output_text
    assert out.exit_code == 1 and out.error is None
    assert sb.diff() == ""


def test_apply_patch_empty_patch_fails(sb):
    out = run(sb, "apply_patch", {"input": "*** Begin Patch\n*** End Patch"})
    assert out.exit_code == 1 and "no file operations" in out.output_text and sb.diff() == ""


def test_apply_patch_update_of_a_directory_fails(sb):
    # Reading a directory as a file is "missing", so an update of a directory fails cleanly.
    out = run(sb, "apply_patch", patch("*** Update File: calc\n@@\n-a\n+b"))
    assert out.exit_code == 1 and "calc: file does not exist" in out.output_text
