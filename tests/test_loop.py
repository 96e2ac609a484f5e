"""The agent loop with scripted and replayed policies in real containers: traces, histories, budgets, errors."""

from __future__ import annotations

import orjson
import pytest
from openai_server import check_history

from harvester.errors import PolicyError
from harvester.loop import EpisodeContext, LoopConfig, run_episode
from harvester.policies import Reply
from harvester.policies.replay import ReplayPolicy
from harvester.policies.scripted import ScriptedPolicy
from harvester.records import Budget
from harvester.trace import TraceWriter, read_trace
from sandbox import Sandbox

BUGGY = "def add(a, b):\n    return a - b\n"
TEST = "from calc.ops import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n"
FIX = {"input": "*** Begin Patch\n*** Update File: calc/ops.py\n@@\n-    return a - b\n+    return a + b\n"
                "*** End Patch"}
RUN_TESTS = ("shell", {"command": ["python3", "-m", "pytest", "-q"], "workdir": "/repo"})
SOLVE = [[RUN_TESTS], [("apply_patch", FIX)], [RUN_TESTS], "Fixed add()."]


def write_repo(root):
    (root / "calc").mkdir(parents=True)
    (root / "calc" / "__init__.py").write_text("")
    (root / "calc" / "ops.py").write_text(BUGGY)
    (root / "tests").mkdir()
    (root / "tests" / "test_ops.py").write_text(TEST)
    return root


@pytest.fixture
def box(base_image, tmp_path):
    with Sandbox.start(base_image, labels={"harvester.run": "test-loop"}) as sb:
        sb.copy_repo(write_repo(tmp_path / "src"), "/repo")
        yield sb


def context(**over) -> EpisodeContext:
    fields = dict(episode_id="calc.a0.s0", run="test-loop", task_id="calc", task_hash="0" * 16, image="img",
                  image_id="sha256:x", statement="add(2, 3) returns -1", test_command="python3 -m pytest -q")
    return EpisodeContext(**{**fields, **over})


def episode(policy, sb, tmp_path, name="t.jsonl", **config):
    path = tmp_path / name
    with TraceWriter(path) as writer:
        end = run_episode(context(), policy, sb, writer, LoopConfig(**config))
    return end, read_trace(path)


def test_scripted_episode_fixes_the_bug(box, tmp_path):
    policy = ScriptedPolicy(SOLVE)
    end, trace = episode(policy, box, tmp_path)
    assert (end.status, end.reason, end.steps, end.infra_error) == ("finished", "no_tool_calls", 4, False)
    assert trace.complete and trace.end == end
    assert "-    return a - b\n+    return a + b" in end.diff and end.diff == box.diff()
    outputs = [e.output for e in trace.tool_events]
    assert "1 failed" in outputs[0] and outputs[0].startswith("Exit code: 1\nWall time: ")
    assert outputs[1] == "Success. Updated the following files:\nM calc/ops.py\n"
    assert "1 passed" in outputs[2] and outputs[2].startswith("Exit code: 0\n")
    assert [e.step for e in trace.tool_events] == [1, 2, 3]
    assert trace.start.policy == "scripted" and trace.start.messages[1].content.count("add(2, 3) returns -1") == 1
    # The trace alone rebuilds what the model was last sent, and the whole conversation.
    assert orjson.dumps(trace.last_request()) == orjson.dumps([m.wire() for m in policy.last_messages])
    history = [m.wire() for m in trace.history()]
    assert history == [m.wire() for m in policy.last_messages] + [{"role": "assistant", "content": "Fixed add()."}]
    check_history(history)
    assert end.usage.total_tokens == sum(e.usage.total_tokens for e in trace.model_events) > 0
    assert end.tool_s == pytest.approx(sum(e.duration_s for e in trace.tool_events))
    assert end.model_s <= end.wall_s and end.tool_s <= end.wall_s


def test_parallel_calls_run_in_order(box, tmp_path):
    step = [("shell", {"command": ["bash", "-lc", "echo first > f.txt"]}), ("shell", {"command": ["cat", "f.txt"]}),
            ("update_plan", {"plan": [{"step": "check", "status": "completed"}]})]
    end, trace = episode(ScriptedPolicy([step, "ok"]), box, tmp_path)
    assert [e.call_id for e in trace.tool_events] == ["call_1_0", "call_1_1", "call_1_2"]
    assert trace.tool_events[1].output.endswith("Output:\nfirst\n")
    appended = trace.model_events[1].appended
    assert [(m.role, m.tool_call_id) for m in appended] == [("tool", "call_1_0"), ("tool", "call_1_1"),
                                                             ("tool", "call_1_2")]
    assert appended[2].content == "Plan updated" and trace.model_events[1].request_len == 6


def test_malformed_calls_get_tool_errors_and_the_episode_goes_on(box, tmp_path):
    step = [("shell", '{"command": ["ls"'), ("grep_files", {"q": "x"}), ("shell", {"command": "ls"})]
    end, trace = episode(ScriptedPolicy([step, [("apply_patch", FIX)], "done"]), box, tmp_path)
    assert (end.status, end.steps) == ("finished", 3) and "+    return a + b" in end.diff
    errors = [e.error for e in trace.tool_events[:3]]
    assert "not valid JSON" in errors[0] and "unknown tool 'grep_files'" in errors[1] and "array" in errors[2]
    assert all(e.output.startswith("Error: ") and e.exit_code is None for e in trace.tool_events[:3])
    sent = trace.model_events[0].response.tool_calls[0].function.arguments
    assert sent == '{"command": ["ls"' == trace.tool_events[0].arguments  # kept exactly as sent
    check_history([m.wire() for m in trace.history()])


@pytest.mark.parametrize("budget,reason,steps", [
    (Budget(max_steps=2), "max_steps", 2),
    (Budget(max_tokens=5), "max_tokens", 1),
])
def test_budgets_end_the_episode(box, tmp_path, budget, reason, steps):
    end, trace = episode(ScriptedPolicy([[RUN_TESTS]] * 5), box, tmp_path, budget=budget)
    assert (end.status, end.reason, end.steps) == ("budget", reason, steps)
    assert len(trace.tool_events) == steps  # the last reply's calls still ran and were recorded
    check_history([m.wire() for m in trace.history()])


def test_wall_budget_bounds_a_long_command(box, tmp_path):
    sleep = [("shell", {"command": ["sleep", "30"], "timeout_ms": 60_000})]
    end, trace = episode(ScriptedPolicy([sleep] * 3), box, tmp_path, budget=Budget(max_wall_s=1.5))
    assert (end.status, end.reason, end.steps) == ("budget", "max_wall_s", 1)
    assert trace.tool_events[0].timed_out and end.wall_s < 10


class FailingPolicy(ScriptedPolicy):
    """Scripted, but raises PolicyError on the given step."""

    def __init__(self, steps, fail_at: int, infra: bool) -> None:
        super().__init__(steps)
        self.fail_at, self.infra = fail_at, infra

    def next(self, messages, tools) -> Reply:
        if self.calls + 1 == self.fail_at:
            raise PolicyError("endpoint example.test: HTTP 401: bad key", infra=self.infra)
        return super().next(messages, tools)


@pytest.mark.parametrize("infra", [True, False])
def test_policy_error_ends_with_error(box, tmp_path, infra):
    end, trace = episode(FailingPolicy([[("apply_patch", FIX)]] * 3, 2, infra), box, tmp_path)
    assert (end.status, end.infra_error, end.steps) == ("error", infra, 1)
    assert end.reason == "policy: endpoint example.test: HTTP 401: bad key"
    assert "+    return a + b" in end.diff  # work done before the failure is kept
    assert trace.history()[-1].role == "tool"  # the unanswered request's tool results are still there


class KillingPolicy(ScriptedPolicy):
    """Kills its container before the second reply (the machinery breaking mid-episode)."""

    def __init__(self, steps, sb: Sandbox) -> None:
        super().__init__(steps)
        self.sb = sb

    def next(self, messages, tools) -> Reply:
        if self.calls == 1:
            self.sb.container.kill()
        return super().next(messages, tools)


def test_dead_sandbox_ends_with_infra_error(box, tmp_path):
    end, trace = episode(KillingPolicy([[RUN_TESTS]] * 3, box), box, tmp_path)
    assert (end.status, end.infra_error, end.steps, end.diff) == ("error", True, 2, "")
    assert end.reason.startswith("sandbox: ") and "final diff failed" in end.reason
    assert trace.complete and len(trace.tool_events) == 1


def test_replay_reproduces_the_diff_in_a_fresh_sandbox(base_image, box, tmp_path):
    step = [("shell", {"command": ["bash", "-lc", "printf 'x = 1\\n' > calc/extra.py"]}), ("apply_patch", FIX)]
    first, trace = episode(ScriptedPolicy([[RUN_TESTS], step, [RUN_TESTS], "done"]), box, tmp_path, name="a.jsonl")
    with Sandbox.start(base_image, labels={"harvester.run": "test-loop"}) as fresh:
        fresh.copy_repo(write_repo(tmp_path / "src2"), "/repo")
        again, replayed = episode(ReplayPolicy(trace.path), fresh, tmp_path, name="b.jsonl")
    assert again.diff == first.diff and "calc/extra.py" in again.diff
    assert [e.response for e in replayed.model_events] == [e.response for e in trace.model_events]
    assert [(e.call_id, e.exit_code) for e in replayed.tool_events] == [
        (e.call_id, e.exit_code) for e in trace.tool_events]
    assert replayed.start.policy == "replay" and (again.status, again.reason) == ("finished", "no_tool_calls")


def test_replay_ends_with_a_final_message_when_the_record_runs_out(box, tmp_path):
    _, trace = episode(ScriptedPolicy([[RUN_TESTS]] * 3), box, tmp_path, name="a.jsonl", budget=Budget(max_steps=2))
    end, replayed = episode(ReplayPolicy(trace.path), box, tmp_path, name="b.jsonl")
    assert (end.status, end.steps) == ("finished", 3)
    assert replayed.model_events[-1].response.content == "Replay finished."


def test_loop_config_validates_templates():
    config = LoopConfig(task_template="Fix: {statement} | {test_command} | {repo}")
    assert config.budget == Budget()
    with pytest.raises(ValueError, match="unknown placeholder"):
        LoopConfig(task_template="{statement} {secret}")
    with pytest.raises(ValueError, match="not a valid template"):
        LoopConfig(task_template="{statement")
    with pytest.raises(ValueError, match="Extra inputs"):
        LoopConfig(max_steps=3)


def test_custom_prompts_reach_the_trace(box, tmp_path):
    end, trace = episode(ScriptedPolicy(["nothing to do"]), box, tmp_path, system_prompt="SYS",
                         task_template="Issue: {statement}\nTests: {test_command}\nRepo: {repo}")
    assert [m.wire() for m in trace.start.messages] == [
        {"role": "system", "content": "SYS"},
        {"role": "user", "content": "Issue: add(2, 3) returns -1\nTests: python3 -m pytest -q\nRepo: /repo"}]
    assert (end.status, end.steps, end.diff) == ("finished", 1, "")


def test_non_utf8_file_content_does_not_break_the_trace(box, tmp_path):
    end, trace = episode(ScriptedPolicy([[("shell", {"command": ["bash", "-c", r"printf 'caf\xe9\n' > l1.txt"]})]]),
                         box, tmp_path)
    assert end.reason == "no_tool_calls" and "GIT binary patch" in trace.end.diff and "l1.txt" in trace.end.diff
    box.exec(["bash", "-c", "rm -f l1.txt"])
    box.write_file("/tmp/l1.diff", trace.end.diff)
    assert box.exec(["git", "apply", "/tmp/l1.diff"]).exit_code == 0
    assert box.read_file("l1.txt") == b"caf\xe9\n"
