"""Sandbox latency on one container: our exec vs the SDK's exec_run vs the `docker exec` CLI."""

from __future__ import annotations

import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from sandbox import Sandbox, connect, gc
from sandbox.images import build_layer, ensure_base_image

RUN = "bench-sandbox"


def _pcts(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1e3, ordered[int(len(ordered) * 0.9)] * 1e3


def _time(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def _repo() -> Path:
    root = Path(tempfile.mkdtemp(prefix="bench-repo-"))
    for i in range(40):
        (root / f"mod{i}.py").write_text("def f(x):\n    return x + 1\n" * 20)
    return root


def main() -> int:
    client = connect()
    image = ensure_base_image(client)
    gc(RUN, client)
    repo = _repo()
    with Sandbox.start(image, {"harvester.run": RUN}) as sb:
        sb.exec(["true"], workdir="/")
        ours = _time(lambda: sb.exec(["true"], workdir="/"), 500)
        sdk = _time(lambda: sb.container.exec_run(["true"]), 60)
        cli = _time(lambda: subprocess.run(["docker", "exec", sb.id, "true"], check=True), 60)
        mib = _time(lambda: sb.exec("head -c 1048576 /dev/zero", workdir="/"), 30)
        blob = bytes(range(256)) * 4096
        wrote = _time(lambda: sb.write_file("/tmp/blob", blob), 20)
        loop = sb.exec("s=$(date +%s%N); for i in $(seq 500); do /bin/true; done; echo $(( ($(date +%s%N) - s) / 500 ))",
                       workdir="/")
        floor_ms = int(loop.output.split()[-1]) / 1e6
    (o50, o90), (s50, s90), (c50, c90), (m50, m90), (w50, w90) = map(_pcts, (ours, sdk, cli, mib, wrote))
    print("per-command latency of `true` on one container (ms):")
    print(f"  harvester exec   p50 {o50:7.2f}  p90 {o90:7.2f}")
    print(f"  SDK exec_run     p50 {s50:7.2f}  p90 {s90:7.2f}   ratio p50 {s50 / o50:5.1f}x")
    print(f"  docker exec CLI  p50 {c50:7.2f}  p90 {c90:7.2f}   ratio p50 {c50 / o50:5.1f}x  (target >= 40x, p50 <= 1 ms)")
    print(f"  floor: one fork+exec of /bin/true inside the container (shell loop) {floor_ms:5.2f} ms")
    print(f"1 MiB of output    p50 {m50:7.2f}  p90 {m90:7.2f}   (target <= 15 ms)")
    print(f"1 MiB file written p50 {w50:7.2f}  p90 {w90:7.2f}")
    ready, reset = [], []
    for _ in range(5):
        t0 = time.perf_counter()
        sb = Sandbox.start(image, {"harvester.run": RUN})
        sb.copy_repo(repo)
        sb.exec(["true"])  # ready means a command can run
        ready.append(time.perf_counter() - t0)
        sb.write_file("mod0.py", "broken\n")
        t0 = time.perf_counter()
        sb.exec("git reset -q --hard && git clean -qfdx")
        reset.append(time.perf_counter() - t0)
        sb.close()
    (r50, r90), (g50, g90) = _pcts(ready), _pcts(reset)
    print(f"sandbox ready (create, start, 40-file repo copied + committed, first command run) p50 {r50:6.0f} ms  p90 {r90:6.0f} ms (target <= 350 ms)")
    print(f"reset in place (git reset --hard + clean)                  p50 {g50:6.1f} ms  p90 {g90:6.1f} ms")
    baked = build_layer(client, image, "harvester-bench:repo", {"repo": repo}, ["cd /repo && git init -q && git add -A && git commit -qm baseline"])
    warm = []
    for _ in range(5):
        t0 = time.perf_counter()
        with Sandbox.start(baked, {"harvester.run": RUN}) as sb:
            sb.mark_baseline()
            warm.append(time.perf_counter() - t0)
    b50, b90 = _pcts(warm)
    print(f"sandbox ready from a task image (repo baked in, baseline marked) p50 {b50:6.0f} ms  p90 {b90:6.0f} ms")
    print("reset by recreate = either ready time above")
    missed = [name for name, ok in [("exec p50 <= 1 ms", o50 <= 1.0), ("docker exec ratio >= 40x", c50 / o50 >= 40),
                                    ("1 MiB <= 15 ms", m50 <= 15), ("ready <= 350 ms", r50 <= 350)] if not ok]
    print("targets missed: " + ", ".join(missed) if missed else "all targets met")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
