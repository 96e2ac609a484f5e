"""Grading a whole run from its traces: labels.jsonl sorted, atomic and identical when graded again."""

from __future__ import annotations

import argparse

import orjson
import pytest
from test_grade_semantics import FIXED, diff_for, make_task, write_trace

from harvester.cmd import grade as grade_cmd
from harvester.errors import ConfigError
from harvester.grade_run import LABELS, grade_run, read_labels
from harvester.records import ToolEvent


def _mining() -> ToolEvent:
    args = {"command": ["bash", "-lc", "git log --all --oneline; git reflog"], "workdir": "/repo"}
    return ToolEvent(ts=1.5, step=1, call_id="c1", name="shell", arguments=orjson.dumps(args).decode(),
                     output="Exit code: 0\n", exit_code=0, duration_s=0.1)


@pytest.fixture
def run(tmp_path):
    tasks = tmp_path / "tasks"
    task = make_task(tasks)
    run_dir = tmp_path / "run"
    fix = diff_for(task, {"calc/__init__.py": FIXED}, tmp_path / "a")
    cheat = diff_for(task, {"tests/test_calc.py": "def test_add():\n    pass\n"}, tmp_path / "b")
    write_trace(run_dir, task, "calc-add.a2.s2", fix)
    write_trace(run_dir, task, "calc-add.a0.s0", cheat, tools=[_mining()])
    write_trace(run_dir, task, "calc-add.a1.s1", "")
    write_trace(run_dir, task, "calc-add.a3.s3", None)  # incomplete: not graded
    (run_dir / "traces" / task.id / "calc-add.a4.s4.jsonl").write_bytes(b'{"type": "start"}\n')  # corrupt
    return run_dir, tasks, task


def _without_timing(path):
    return [{k: v for k, v in orjson.loads(line).items() if k != "grade_s"} for line in path.read_bytes().splitlines()]


def test_regrading_a_run_gives_identical_labels(run, docker_client, capsys):
    run_dir, tasks_root, task = run
    messages: list[str] = []
    labels = grade_run(run_dir, {task.id: task}, concurrency=2, client=docker_client, log=messages.append)
    assert [(lb.episode_id, lb.outcome, lb.tamper) for lb in labels] == [
        ("calc-add.a0.s0", "unresolved", ["edited_tests", "history_mining"]),
        ("calc-add.a1.s1", "no_patch", []),
        ("calc-add.a2.s2", "resolved", []),
    ], [lb.infra_reason for lb in labels]
    assert labels[0].excluded_paths == ["tests/test_calc.py"] and labels[0].graded_patch == ""
    assert len(messages) == 2 and "incomplete" in messages[0] + messages[1]
    first = _without_timing(run_dir / LABELS)
    assert read_labels(run_dir / LABELS) == labels

    parser = argparse.ArgumentParser()
    grade_cmd.add_arguments(parser)
    code = grade_cmd.main(parser.parse_args([str(run_dir), "--tasks", str(tasks_root), "--concurrency", "2"]))
    assert code == 0
    assert "graded 3 episode(s): 1 no_patch, 1 resolved, 1 unresolved; 1 with tamper flags" in capsys.readouterr().out
    assert _without_timing(run_dir / LABELS) == first
    assert sorted(p.name for p in run_dir.iterdir()) == ["labels.jsonl", "traces"]  # no temp file left


def test_a_trace_of_an_unknown_task_is_a_config_error(run):
    run_dir, tasks_root, task = run
    with pytest.raises(ConfigError, match="not found: calc-add"):
        grade_run(run_dir, {}, log=lambda _message: None)
    other = make_task(tasks_root.parent / "elsewhere", "calc-other")
    assert grade_cmd.find_tasks([tasks_root, other.root], {"calc-add", "nope"}) == {"calc-add": task}
