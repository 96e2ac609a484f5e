"""End to end on a real task: scripted episodes in real containers, labels from a real pytest run in a fresh
container, then `harvester filter` and `harvester export`; every file validates and matches its trace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from formats import validate_export_dir
from harvester import cli as cli_module
from harvester.episode import run_task_episode
from harvester.export.dpo import DURATION
from harvester.images import task_image
from harvester.loop import LoopConfig
from harvester.policies.scripted import ScriptedPolicy
from harvester.records import Budget, Label
from harvester.task import hidden_files, load_task
from harvester.trace import read_trace
from sandbox import Sandbox

TASK = Path(__file__).resolve().parents[1] / "task_repos" / "taskgraph-slack-sign"
RUN = "test-export-e2e"
TESTS = {"command": ["bash", "-lc", "python3 -m pytest -q 2>&1 | tail -3"], "workdir": "/repo"}
READ = {"command": ["sed", "-n", "30,35p", "taskgraph/timing.py"], "workdir": "/repo"}
BUGGY = "    return {name: earliest[name] - latest[name] for name in earliest}"


def edit(new: str) -> dict:
    return {"input": f"*** Begin Patch\n*** Update File: taskgraph/timing.py\n@@ def slack(graph) -> dict:\n"
                     f"-{BUGGY}\n+{new}\n*** End Patch\n"}


SCRIPTS = {  # attempt -> (steps, final answer, max_steps)
    0: ([[("shell", TESTS)], [("shell", READ)], [("apply_patch", edit(BUGGY.replace(
        "earliest[name] - latest[name]", "latest[name] - earliest[name]")))], [("shell", TESTS)]],
        "slack() subtracted in the wrong order; it is now latest - earliest.", 40),
    1: ([[("shell", TESTS)], [("shell", READ)], [("apply_patch", edit(BUGGY.replace(" - ", " + ")))]],
        "Fixed slack().", 40),
    2: ([[("shell", TESTS)], [("shell", READ)]] + [[("shell", TESTS)]] * 3, "Tests keep passing.", 40),
    3: ([[("shell", TESTS)], [("shell", READ)]], "unused", 2),
}


def grade(tag: str, task, diff: str) -> bool:
    """Resolved when every listed test passes with the agent's diff and the hidden tests in a fresh container."""
    with Sandbox.start(tag, labels={"harvester.run": RUN, "harvester.episode": "grade"}) as sb:
        sb.mark_baseline()
        if diff.strip():
            sb.write_file("/tmp/agent.diff", diff)
            assert sb.exec(["git", "apply", "/tmp/agent.diff"], timeout=60).exit_code == 0
        for path, data in hidden_files(task).items():
            sb.write_file(f"/repo/{path}", data)
        done = sb.exec(["python3", "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        *task.fail_to_pass, *task.pass_to_pass], timeout=300)
        return done.exit_code == 0


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory, docker_client, base_image) -> Path:
    task = load_task(TASK)
    tag = task_image(docker_client, task)
    run = tmp_path_factory.mktemp("e2e")
    labels = []
    for attempt, (steps, final, max_steps) in SCRIPTS.items():
        config = LoopConfig(budget=Budget(max_steps=max_steps))
        path = run_task_episode(task, ScriptedPolicy(steps, final=final), run, RUN, attempt, 0, config,
                                client=docker_client)
        trace = read_trace(path)
        resolved = grade(tag, task, trace.end.diff)
        n_f2p, n_p2p = len(task.fail_to_pass), len(task.pass_to_pass)
        labels.append(Label(episode_id=trace.start.episode_id, task_id=task.id, trace=str(path.relative_to(run)),
                            resolved=resolved, outcome="resolved" if resolved else "unresolved", tamper=[],
                            tests={}, fail_to_pass=(n_f2p if resolved else 0, n_f2p), pass_to_pass=(n_p2p, n_p2p),
                            graded_patch=trace.end.diff, excluded_paths=[], runs=[resolved], grade_s=1.0))
    (run / "labels.jsonl").write_text("".join(label.model_dump_json() + "\n" for label in labels))
    return run


@pytest.fixture
def cli(monkeypatch):
    monkeypatch.setattr(cli_module, "COMMANDS", {k: cli_module.COMMANDS[k] for k in ("filter", "export")})
    return cli_module.main


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_real_episodes_filter_and_export(run_dir, cli):
    labels = {lb["episode_id"]: lb for lb in lines(run_dir / "labels.jsonl")}
    assert [lb["resolved"] for lb in labels.values()] == [True, False, False, False]
    assert cli(["filter", str(run_dir)]) == 0
    drops = json.loads((run_dir / "drops.json").read_text())
    assert drops["kept"] == 1 and drops["by_reason"] == {"budget_stop": 1, "empty_patch": 1, "unresolved": 1}
    assert drops["negatives"] == 3
    assert cli(["export", str(run_dir)]) == 0
    counts = validate_export_dir(run_dir / "export")
    assert counts == {"sft.openai.jsonl": 1, "sft.hf.jsonl": 1, "sft.text.jsonl": 1, "sft.sharegpt.jsonl": 1,
                      "dpo.openai.jsonl": 1, "dpo.trl.jsonl": 1}


def test_exported_rows_match_the_traces(run_dir, cli):
    assert cli(["export", str(run_dir), "--refilter"]) == 0
    meta = lines(run_dir / "export" / "meta.jsonl")
    row = lines(run_dir / "export" / "sft.openai.jsonl")[0]
    trace = read_trace(run_dir / meta[0]["trace"])
    assert [{k: v for k, v in m.items() if k != "weight"} for m in row["messages"]] == \
           trace.last_request() + [trace.model_events[-1].response.wire()]
    outputs = [m["content"] for m in row["messages"] if m["role"] == "tool"]
    assert outputs == [e.output for e in trace.tool_events] and outputs[0].startswith("Exit code: 0\nWall time: ")
    pair = lines(run_dir / "export" / "dpo.openai.jsonl")[0]
    prompt = pair["input"]["messages"]
    assert prompt == trace.last_request()[:len(prompt)] and len(prompt) == 6 and prompt[-1]["role"] == "tool"
    assert pair["preferred_output"] == [trace.model_events[2].response.wire()]
    rejected = read_trace(run_dir / next(m for m in meta if m["file"] == "dpo.openai.jsonl")["rejected_trace"])
    assert pair["non_preferred_output"] == [rejected.model_events[2].response.wire()]
    assert pair["non_preferred_output"] != pair["preferred_output"]
    # the shared prefix holds real command outputs, equal once their timings are masked
    for mine, theirs in zip(trace.tool_events[:2], rejected.tool_events[:2]):
        assert DURATION.sub("", mine.output) == DURATION.sub("", theirs.output) and "Output:\n" in mine.output
