"""The openai policy against a real Chat Completions server on 127.0.0.1, driving real containers."""

from __future__ import annotations

import contextlib
import time

import orjson
import pytest
from openai_server import ChatServer, check_history, drop, error, final, raw, slow, tool_calls
from test_loop import FIX, RUN_TESTS, episode, write_repo

from harvester.episode import episode_id, run_task_episode
from harvester.loop import LoopConfig
from harvester.policies.openai_policy import OpenAIPolicy
from harvester.task import content_hash, load_task
from harvester.tools import TOOLS
from harvester.trace import read_trace
from sandbox import Sandbox, connect

KEY = "sk-test-do-not-log-4242"


def policy(server: ChatServer, **over) -> OpenAIPolicy:
    args = dict(model="test-model", base_url=server.base_url, api_key=KEY, sampling={"temperature": 0.3},
                seed=7, timeout_s=5.0, max_retries=3, backoff_s=0.01, max_backoff_s=0.05)
    return OpenAIPolicy(**{**args, **over})


@pytest.fixture
def box(base_image, tmp_path):
    with Sandbox.start(base_image, labels={"harvester.run": "test-openai"}) as sb:
        sb.copy_repo(write_repo(tmp_path / "src"), "/repo")
        yield sb


def requests_from_trace(trace) -> list[list[dict]]:
    """The message list of every request, rebuilt from the trace alone."""
    history, out = list(trace.start.messages), []
    for event in trace.model_events:
        history += event.appended
        out.append([m.wire() for m in history])
        history.append(event.response)
    return out


def test_episode_over_the_wire(box, tmp_path):
    script = [tool_calls(RUN_TESTS, reasoning="run the tests first"),
              tool_calls(("apply_patch", FIX), ("shell", {"command": ["cat", "calc/ops.py"]}), content="Patching."),
              final("Fixed add().", reasoning="all green", reasoning_key="reasoning")]
    with ChatServer(script) as server:
        end, trace = episode(policy(server), box, tmp_path)
    assert (end.status, end.reason, end.steps) == ("finished", "no_tool_calls", 3)
    assert "+    return a + b" in end.diff and trace.tool_events[2].output.endswith("return a + b\n")
    bodies = server.requests
    assert len(bodies) == 3
    for body, rebuilt in zip(bodies, requests_from_trace(trace)):
        check_history(body["messages"])
        assert orjson.dumps(body["messages"]) == orjson.dumps(rebuilt)
        assert body["tools"] == TOOLS and body["model"] == "test-model"
        assert (body["tool_choice"], body["parallel_tool_calls"], body["temperature"], body["seed"]) == (
            "auto", True, 0.3, 7)
    assert orjson.dumps(trace.last_request()) == orjson.dumps(bodies[-1]["messages"])
    check_history([m.wire() for m in trace.history()])
    events = trace.model_events
    assert [e.reasoning for e in events] == ["run the tests first", None, "all green"]
    assert [e.response_id for e in events] == ["chatcmpl-1", "chatcmpl-2", "chatcmpl-3"]
    assert [e.finish_reason for e in events] == ["tool_calls", "tool_calls", "stop"]
    assert events[1].response.content == "Patching." and events[0].response.content is None
    assert end.usage.total_tokens == 45 and all(e.retries == 0 for e in events)
    assert "reasoning" not in orjson.dumps(bodies[-1]["messages"]).decode()
    # Provenance without secrets: the host goes in, the key never does.
    assert trace.start.endpoint_host == f"127.0.0.1:{server.base_url.split(':')[2].split('/')[0]}"
    assert trace.start.sampling["temperature"] == 0.3 and trace.start.policy == "openai"
    assert server.headers[0]["authorization"] == f"Bearer {KEY}" and KEY not in trace.path.read_text()


def test_malformed_arguments_and_unknown_tool_over_the_wire(box, tmp_path):
    script = [tool_calls(("shell", '{"command": ["ls"'), ("grep_files", {"q": 1}), ("shell", {"command": ["true"]})),
              final("ok")]
    with ChatServer(script) as server:
        end, trace = episode(policy(server), box, tmp_path)
    assert (end.status, end.steps) == ("finished", 2)
    sent = server.requests[1]["messages"]
    check_history(sent)
    assert sent[2]["tool_calls"][0]["function"]["arguments"] == '{"command": ["ls"'
    assert [m["content"].split(":")[0] for m in sent[3:]] == ["Error", "Error", "Exit code"]
    assert "unknown tool 'grep_files'" in sent[4]["content"]
    assert orjson.dumps(trace.last_request()) == orjson.dumps(sent)


@pytest.mark.parametrize("script,retries,at_least_s", [
    ([error(429, {"Retry-After": "1"}), final("ok")], 1, 1.0),
    ([error(429, {"retry-after-ms": "300"}), error(429, {"retry-after-ms": "300"}), final("ok")], 2, 0.6),
    ([error(500), error(503), final("ok")], 2, 0.0),
    ([slow(3.0, final("too late")), final("ok")], 1, 1.0),
    ([drop(), final("ok")], 1, 0.0),
    ([raw(200, b"<html>proxy error</html>"), final("ok")], 1, 0.0),
], ids=["429-retry-after", "429-retry-after-ms", "5xx", "timeout", "dropped", "not-json"])
def test_retryable_failures_are_retried(box, tmp_path, script, retries, at_least_s):
    with ChatServer(script) as server:
        end, trace = episode(policy(server, timeout_s=1.0), box, tmp_path)
    assert (end.status, end.steps) == ("finished", 1)
    event = trace.model_events[0]
    assert (event.retries, event.response.content) == (retries, "ok")
    assert event.latency_s >= at_least_s and event.latency_s < at_least_s + 3
    assert len(server.requests) == retries + 1
    assert all(body == server.requests[0] for body in server.requests)


@pytest.mark.parametrize("status", [400, 401, 404])
def test_non_retryable_errors_end_the_episode_as_infra_errors(box, tmp_path, status):
    with ChatServer([error(status, message="nope\nsecond line")]) as server:
        end, trace = episode(policy(server), box, tmp_path)
    assert (end.status, end.infra_error, end.steps) == ("error", True, 0)
    assert end.reason.startswith("policy: endpoint 127.0.0.1:") and f"HTTP {status}" in end.reason
    assert "\n" not in end.reason and len(server.requests) == 1 and trace.complete


def test_retries_are_bounded(box, tmp_path):
    with ChatServer([error(500)] * 5) as server:
        end, _ = episode(policy(server, max_retries=2), box, tmp_path)
    assert (end.status, end.infra_error) == ("error", True)
    assert "giving up after 2 retries: HTTP 500" in end.reason and len(server.requests) == 3


def test_gate_wraps_every_request(box, tmp_path):
    entered = []

    @contextlib.contextmanager
    def gate():
        entered.append(time.monotonic())
        yield

    with ChatServer([error(503), tool_calls(("shell", {"command": ["true"]})), final("ok")]) as server:
        end, _ = episode(policy(server, gate=gate), box, tmp_path)
    assert end.status == "finished" and len(entered) == len(server.requests) == 3


def make_task(root, name="wire-calc"):
    task = root / name
    write_repo(task / "repo")
    (task / "hidden" / "tests").mkdir(parents=True)
    (task / "hidden" / "tests" / "test_hidden.py").write_text(
        "from calc.ops import add\n\n\ndef test_negative():\n    assert add(-1, -1) == -2\n")
    (task / "solution.patch").write_text(
        "--- a/calc/ops.py\n+++ b/calc/ops.py\n@@ -1,2 +1,2 @@\n"
        " def add(a, b):\n-    return a - b\n+    return a + b\n")
    (task / "task.toml").write_text(
        f'id = "{name}"\nstatement = "add(2, 3) returns -1."\ntest_command = "python3 -m pytest -q"\n'
        'fail_to_pass = ["tests/test_hidden.py::test_negative", "tests/test_ops.py::test_add"]\n')
    return load_task(task)


def test_run_task_episode_end_to_end(tmp_path):
    task, client = make_task(tmp_path), connect()
    eid = episode_id(task.id, 1, 7)
    seen = []

    @contextlib.contextmanager
    def gate():  # the container must exist, labelled, while the model is asked
        seen.append(len(client.containers.list(filters={"label": f"harvester.episode={eid}"})))
        yield

    with ChatServer([tool_calls(("apply_patch", FIX)), final("done")]) as server:
        path = run_task_episode(task, policy(server, gate=gate), tmp_path / "run", "test-openai-e2e", 1, 7,
                                LoopConfig(), client=client)
    assert path == tmp_path / "run" / "traces" / task.id / f"{eid}.jsonl"
    trace = read_trace(path)
    start = trace.start
    assert (start.episode_id, start.run, start.task_id, start.attempt, start.seed) == (
        eid, "test-openai-e2e", task.id, 1, 7)
    assert start.task_hash == content_hash(task) and start.image_id == client.images.get(start.image).id
    assert trace.end.status == "finished" and "+    return a + b" in trace.end.diff
    assert seen == [1, 1]
    assert client.containers.list(all=True, filters={"label": "harvester.run=test-openai-e2e"}) == []


def test_run_task_episode_removes_the_container_when_the_loop_breaks(tmp_path):
    task, client = make_task(tmp_path), connect()

    def gate():
        raise KeyboardInterrupt  # anything the loop does not handle

    with ChatServer([final("never")]) as server, pytest.raises(KeyboardInterrupt):
        run_task_episode(task, policy(server, gate=gate), tmp_path / "run", "test-openai-broken", 0, 0,
                         LoopConfig(), client=client)
    path = tmp_path / "run" / "traces" / task.id / f"{episode_id(task.id, 0, 0)}.jsonl"
    assert not read_trace(path).complete
    assert client.containers.list(all=True, filters={"label": "harvester.run=test-openai-broken"}) == []


def test_episode_ids_are_deterministic_readable_and_safe():
    assert episode_id("textkit-wrap", 2, 17) == episode_id("textkit-wrap", 2, 17) == "textkit-wrap.a2.s17"
    assert len({episode_id("t", a, s) for a in range(3) for s in range(3)}) == 9
    odd = episode_id("../we ird/task", 0, -1)
    assert "/" not in odd and " " not in odd and not odd.startswith(".") and odd != episode_id("__we_ird_task", 0, -1)
