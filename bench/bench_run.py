"""Run-level numbers: harness overhead share of episode wall time with a zero-latency scripted model
over the shipped tasks, and episodes per minute (episode + grading) at concurrency 1, 2 and 4."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from harvester.episode import run_task_episode
from harvester.grade import grade_episode
from harvester.images import task_image
from harvester.loop import LoopConfig
from harvester.policies.scripted import ScriptedPolicy
from harvester.task import Task, discover, read_solution
from harvester.trace import read_trace
from sandbox import connect, gc

RUN = "bench-run"
ROOT = Path(__file__).resolve().parents[1]


def solve_steps(task: Task) -> list:
    """Run the tests, apply the known fix, run the tests again, then answer."""
    test = ("shell", {"command": ["bash", "-lc", task.test_command], "workdir": "/repo"})
    fix = ("shell", {"command": ["bash", "-lc", f"git apply <<'EOF'\n{read_solution(task)}EOF"], "workdir": "/repo"})
    return [[test], [fix], [test], "Fixed."]


def episode(task: Task, out: Path, attempt: int, client, grade: bool) -> tuple[float, float, float]:
    t0 = time.monotonic()
    path = run_task_episode(task, ScriptedPolicy(solve_steps(task)), out, RUN, attempt, attempt, LoopConfig(),
                            client=client)
    wall = time.monotonic() - t0
    end = read_trace(path).end
    if grade:
        grade_episode(read_trace(path), task, 1, client)
    return wall, end.wall_s, end.model_s + end.tool_s


def main() -> int:
    client = connect()
    gc(RUN, client)
    tasks = discover([ROOT / "task_repos"])
    for task in tasks:
        task_image(client, task, log=lambda *_: None)
    out = Path(tempfile.mkdtemp(prefix="bench-run-"))
    rows = [episode(task, out, 0, client, grade=False) for task in tasks]
    walls, loops, inside = map(list, zip(*rows))
    loop_share = [(lw - ins) / lw for lw, ins in zip(loops, inside)]
    full_share = [(w - ins) / w for w, ins in zip(walls, inside)]
    print(f"{len(tasks)} shipped tasks, zero-latency scripted model (4 steps each):")
    print(f"  harness share of loop wall time (not model, not inside a tool)   median {statistics.median(loop_share):6.1%}"
          f"  max {max(loop_share):6.1%}  (target <= 5%)")
    print(f"  same, including container start and removal                    median {statistics.median(full_share):6.1%}"
          f"  max {max(full_share):6.1%}")
    for concurrency in (1, 2, 4):
        jobs = [(task, attempt) for attempt in (1, 2) for task in tasks[:8]]
        t0 = time.monotonic()
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(lambda job: episode(job[0], out, job[1] + concurrency * 10, client, grade=True), jobs))
        minutes = (time.monotonic() - t0) / 60
        print(f"  concurrency {concurrency}: {len(jobs) / minutes:6.1f} episodes/min (episode + clean-room grading)")
    gc(RUN, client)
    return 0 if statistics.median(loop_share) <= 0.05 else 1


if __name__ == "__main__":
    sys.exit(main())
