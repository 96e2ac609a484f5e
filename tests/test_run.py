"""`harvester run` end to end in real containers: files, resume, kill -9, bad input."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chat_solver import SolverServer
from formats import validate_export_dir
from harvester.task import discover
from harvester.trace import read_trace
from sandbox import connect

ROOT = Path(__file__).resolve().parents[1]
TASKS = [ROOT / "task_repos" / name for name in
         ("semverish-tilde-upper-bound", "semverish-x-ranges", "taskgraph-slack-sign")]
RUN_FILES = ["config.json", "labels.jsonl", "drops.json", "kept.jsonl", "summary.json", "report.html",
             "export/sft.openai.jsonl", "export/sft.hf.jsonl", "export/sft.sharegpt.jsonl", "export/dataset_info.json",
             "export/sft.text.jsonl", "export/dpo.openai.jsonl", "export/dpo.trl.jsonl", "export/meta.jsonl"]


def harvester(*args: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "harvester.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, **(env or {})}, timeout=900, **kw)


@pytest.fixture(scope="module")
def solver():
    with SolverServer(discover(TASKS)) as server:
        yield server


def endpoint_args(solver, out: Path, name: str, attempts: int = 2) -> list[str]:
    return ["run", "--tasks", *map(str, TASKS), "--out", str(out), "--name", name, "--policy", "openai",
            "--model", "solver", "--base-url", solver.base_url, "--attempts", str(attempts), "--concurrency", "2"]


KEY = {"OPENAI_API_KEY": "sk-test"}


def episode_set(run_dir: Path) -> list[tuple[str, str | None]]:
    return sorted((p.stem, (t := read_trace(p)).end and t.end.status) for p in run_dir.glob("traces/*/*.jsonl"))


def leaked(run: str) -> list:
    return connect().containers.list(all=True, filters={"label": f"harvester.run={run}"})


def test_endpoint_run_writes_every_file_and_resumes(solver, tmp_path):
    done = harvester(*endpoint_args(solver, tmp_path, "e2e"), env=KEY)
    assert done.returncode == 0, done.stderr[-2000:]
    run_dir = tmp_path / "e2e"
    for name in RUN_FILES:
        assert (run_dir / name).is_file(), name
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["episodes"] == 6 and summary["resolved"] == 3 and summary["exported"] == 3
    assert set(summary["tasks"]) == {p.name for p in TASKS}
    labels = [json.loads(line) for line in (run_dir / "labels.jsonl").read_text().splitlines()]
    assert sorted(label["outcome"] for label in labels) == ["resolved"] * 3 + ["unresolved"] * 3
    counts = validate_export_dir(run_dir / "export")
    assert counts["dpo.openai.jsonl"] == counts["dpo.trl.jsonl"] == 3 and counts["sft.openai.jsonl"] == 3
    config = json.loads((run_dir / "config.json").read_text())
    assert config["policy"] == "openai" and "sk-test" not in (run_dir / "config.json").read_text()
    before, requests = (run_dir / "labels.jsonl").read_bytes(), solver.requests
    again = harvester(*endpoint_args(solver, tmp_path, "e2e"), env=KEY)
    assert again.returncode == 0 and "0 to run" in again.stdout
    assert solver.requests == requests and _strip_timing(run_dir / "labels.jsonl") == _strip_timing_bytes(before)
    assert not leaked("e2e")


def _strip_timing_bytes(data: bytes) -> list[dict]:
    return [{k: v for k, v in json.loads(line).items() if k != "grade_s"} for line in data.splitlines()]


def _strip_timing(path: Path) -> list[dict]:
    return _strip_timing_bytes(path.read_bytes())


def test_kill_9_then_resume_equals_an_uninterrupted_run(solver, tmp_path):
    whole = harvester(*endpoint_args(solver, tmp_path, "whole", attempts=3), env=KEY)
    assert whole.returncode == 0, whole.stderr[-2000:]
    args = [sys.executable, "-m", "harvester.cli", *endpoint_args(solver, tmp_path, "killed", attempts=3)]
    proc = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **KEY}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    traces = tmp_path / "killed" / "traces"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and sum(1 for _ in traces.glob("*/*.jsonl")) < 4:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = sorted(traces.glob("*/*.jsonl"))  # the newest may be empty or cut mid-line
    assert 0 < len(partial) < 9, partial
    resumed = harvester(*endpoint_args(solver, tmp_path, "killed", attempts=3), env=KEY)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert episode_set(tmp_path / "killed") == episode_set(tmp_path / "whole")
    assert all(status == "finished" for _, status in episode_set(tmp_path / "killed"))
    a, b = _strip_timing(tmp_path / "whole" / "labels.jsonl"), _strip_timing(tmp_path / "killed" / "labels.jsonl")
    assert [(x["episode_id"], x["outcome"]) for x in a] == [(x["episode_id"], x["outcome"]) for x in b]
    assert len({x["episode_id"] for x in b}) == len(b) == 9
    for path in (tmp_path / "killed").rglob("*.jsonl"):
        for line in path.read_bytes().splitlines():
            json.loads(line)
    assert not leaked("killed") and not leaked("whole")


def test_offline_run_uses_the_repair_policy(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    done = subprocess.run([sys.executable, "-m", "harvester.cli", "run", "--tasks", str(TASKS[0]), "--out",
                           str(tmp_path), "--name", "offline", "--attempts", "1"], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines()[0] == "no model endpoint configured: using the built-in offline repair policy"
    run_dir = tmp_path / "offline"
    for name in RUN_FILES:
        assert (run_dir / name).is_file(), name
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["policy"] == "repair" and summary["episodes"] == 1 and summary["resolved"] == 1
    validate_export_dir(run_dir / "export")


def _tree_digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(root)).encode() + path.read_bytes())
    return h.hexdigest()


@pytest.mark.parametrize("toml, flags, expected", [
    ("attempts = 'many'\n", [], "harvest.toml: field 'attempts': Input should be a valid integer"),
    ("attempt = 2\n", [], "harvest.toml: field 'attempt': unknown key"),
    ("", ["--policy", "openai", "--base-url", "http://127.0.0.1:9/v1", "--model", "m"], "field 'api_key_env'"),
    ("", ["--tasks", "no/such/dir"], "no/such/dir"),
    ("", ["--policy", "openai", "--base-url", "http://127.0.0.1:9/v1", "--model", "m"], "is unreachable"),
])
def test_bad_input_is_one_line_and_leaves_the_run_intact(tmp_path, toml, flags, expected):
    run_dir = tmp_path / "runs" / "keep"
    (run_dir / "traces").mkdir(parents=True)
    (run_dir / "labels.jsonl").write_text('{"precious": true}\n')
    digest = _tree_digest(run_dir)
    config = tmp_path / "harvest.toml"
    config.write_text(toml)
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    if expected == "is unreachable":
        env["OPENAI_API_KEY"] = "sk-test"
    done = subprocess.run([sys.executable, "-m", "harvester.cli", "run", "--config", str(config), "--out",
                           str(tmp_path / "runs"), "--name", "keep", *flags], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)
    assert done.returncode != 0
    assert done.stderr.count("\n") == 1 and expected in done.stderr, done.stderr
    assert _tree_digest(run_dir) == digest


def test_ctrl_c_stops_cleanly_and_leaves_a_resumable_run(solver, tmp_path):
    args = [sys.executable, "-m", "harvester.cli", *endpoint_args(solver, tmp_path, "ctrlc", attempts=3)]
    proc = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **KEY}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    traces = tmp_path / "ctrlc" / "traces"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and sum(1 for _ in traces.glob("*/*.jsonl")) < 3:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "interrupted" in err, err[-2000:]
    assert not leaked("ctrlc")
    for path in traces.glob("*/*.jsonl"):
        read_trace(path)  # every line intact
    resumed = harvester(*endpoint_args(solver, tmp_path, "ctrlc", attempts=3), env=KEY)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert len(episode_set(tmp_path / "ctrlc")) == 9
    assert all(status == "finished" for _, status in episode_set(tmp_path / "ctrlc"))


def test_run_token_budget_stops_new_episodes_and_resumes(solver, tmp_path):
    config = tmp_path / "budget.toml"
    config.write_text("token_budget = 1\n")  # spent by the first episodes; --concurrency 2 starts two at once
    args = endpoint_args(solver, tmp_path, "budget", attempts=2)
    done = harvester(*args, "--config", str(config), env=KEY)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "run token budget of 1 reached" in done.stdout
    assert len(episode_set(tmp_path / "budget")) == 2
    config.write_text("")
    again = harvester(*args, "--config", str(config), env=KEY)
    assert again.returncode == 0 and "4 to run" in again.stdout
    assert len(episode_set(tmp_path / "budget")) == 6


def test_resume_regrades_labels_whose_grading_broke(solver, tmp_path):
    args = endpoint_args(solver, tmp_path, "regrade", attempts=1)
    assert harvester(*args, env=KEY).returncode == 0
    part = tmp_path / "regrade" / "labels.d" / "semverish-x-ranges.a0.s0.json"
    label = json.loads(part.read_text())
    assert label["outcome"] == "resolved"
    part.write_text(json.dumps({**label, "outcome": "infra_error", "resolved": False, "infra_reason": "daemon hiccup"}))
    again = harvester(*args, env=KEY)
    assert again.returncode == 0 and "0 to run" in again.stdout
    assert json.loads(part.read_text())["outcome"] == "resolved"
    lines = [json.loads(x) for x in (tmp_path / "regrade" / "labels.jsonl").read_text().splitlines()]
    assert [x["outcome"] for x in lines if x["episode_id"] == "semverish-x-ranges.a0.s0"] == ["resolved"]


def test_resuming_with_other_settings_is_refused(solver, tmp_path):
    args = endpoint_args(solver, tmp_path, "mixed", attempts=1)
    assert harvester(*args, env=KEY).returncode == 0
    digest = _tree_digest(tmp_path / "mixed")
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    other = subprocess.run([sys.executable, "-m", "harvester.cli", "run", "--tasks", *map(str, TASKS), "--out",
                            str(tmp_path), "--name", "mixed", "--attempts", "1"], capture_output=True, text=True,
                           cwd=ROOT, env=env, timeout=120)
    assert other.returncode != 0 and "field 'policy' differs" in other.stderr and other.stderr.count("\n") == 1
    assert _tree_digest(tmp_path / "mixed") == digest
