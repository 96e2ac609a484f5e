"""Harness overhead per agent-loop step: the time not spent in the model or inside the sandbox command.

A zero-latency scripted model issues 200 `shell ["true"]` calls in one container; each step's span
(from one model request to the next) minus the model's time and the sandbox exec time is overhead.
Usage: python bench/bench_loop.py [steps]; exits 1 when p50 is above the 5 ms target.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from harvester.loop import EpisodeContext, LoopConfig, run_episode
from harvester.policies.scripted import ScriptedPolicy
from harvester.records import Budget
from harvester.trace import TraceWriter
from sandbox import Sandbox, connect
from sandbox.images import ensure_base_image

TARGET_P50_MS = 5.0


class TimedPolicy(ScriptedPolicy):
    """Records when each request starts and how long the (scripted) model took."""

    def __init__(self, steps) -> None:
        super().__init__(steps)
        self.starts: list[float] = []
        self.model_s: list[float] = []

    def next(self, messages, tools):
        t0 = time.perf_counter()
        self.starts.append(t0)
        reply = super().next(messages, tools)
        self.model_s.append(time.perf_counter() - t0)
        return reply


class TimedSandbox:
    """Delegates to a Sandbox and records the host-side time of each exec."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox
        self.exec_s: list[float] = []

    def exec(self, *args, **kwargs):
        t0 = time.perf_counter()
        result = self._sandbox.exec(*args, **kwargs)
        self.exec_s.append(time.perf_counter() - t0)
        return result

    def __getattr__(self, name):
        return getattr(self._sandbox, name)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(steps: int = 200) -> int:
    client = connect()
    policy = TimedPolicy([[("shell", {"command": ["true"]})]] * steps)
    ctx = EpisodeContext(episode_id="bench.a0.s0", run="bench", task_id="bench", task_hash="0" * 16, image="base",
                         image_id="", statement="Benchmark.", test_command="true")
    config = LoopConfig(budget=Budget(max_steps=steps + 1))
    with tempfile.TemporaryDirectory() as tmp, \
            Sandbox.start(ensure_base_image(client), labels={"harvester.run": "bench-loop"}, client=client) as sb:
        (Path(tmp) / "repo").mkdir()
        (Path(tmp) / "repo" / "README").write_text("bench\n")
        sb.copy_repo(Path(tmp) / "repo", "/repo")
        timed = TimedSandbox(sb)
        with TraceWriter(Path(tmp) / "trace.jsonl") as writer:
            end = run_episode(ctx, policy, timed, writer, config)
    spans = [b - a for a, b in zip(policy.starts, policy.starts[1:])]
    overhead = [(span - model - run) * 1000 for span, model, run in zip(spans, policy.model_s, timed.exec_s)]
    p50, p90 = percentile(overhead, 0.5), percentile(overhead, 0.9)
    print(f"loop bench: {len(overhead)} steps of shell ['true'], episode {end.status}/{end.reason},"
          f" wall {end.wall_s:.2f}s")
    print(f"  step span     p50 {percentile(spans, 0.5) * 1000:6.2f} ms")
    print(f"  sandbox exec  p50 {percentile(timed.exec_s, 0.5) * 1000:6.2f} ms")
    print(f"  model         p50 {percentile(policy.model_s, 0.5) * 1000:6.2f} ms")
    print(f"  overhead      p50 {p50:6.2f} ms  p90 {p90:6.2f} ms  mean {statistics.mean(overhead):6.2f} ms"
          f"  max {max(overhead):6.2f} ms  (target p50 <= {TARGET_P50_MS} ms)")
    return 0 if p50 <= TARGET_P50_MS else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
