"""Seeding at scale: `harvester seed` on a shipped project's clean state must yield at least 50 validated tasks;
prints yield per modifier and throughput, then re-validates a sample with `harvester tasks validate`.

    python bench/bench_seed.py [PROJECT] [--count N] [--sample N]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from harvester import cli
from harvester.cmd.seed import format_report
from harvester.seed.pipeline import SeedConfig, seed_repo
from harvester.task import discover
from sandbox import connect, gc

RUN = "bench-seed"
ROOT = Path(__file__).resolve().parents[1]
MIN_TASKS = 50


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", default="ttlcache", help="name under task_repos/projects/")
    parser.add_argument("--count", type=int, default=60, help="tasks to seed")
    parser.add_argument("--sample", type=int, default=8, help="seeded tasks re-validated from scratch")
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    client = connect()
    gc(RUN, client)
    out = Path(tempfile.mkdtemp(prefix="bench-seed-"))
    try:
        config = SeedConfig(repo=str(ROOT / "task_repos" / "projects" / args.project), out=out, count=args.count,
                            concurrency=args.concurrency, label=RUN)
        report = seed_repo(config, client=client, log=lambda line: print(f"  {line}", file=sys.stderr, flush=True))
        print(f"harvester seed task_repos/projects/{args.project} --count {args.count}"
              f" (concurrency {args.concurrency}, {config.runs} runs per candidate, {os.cpu_count()} cores):")
        print(format_report(report))
        tasks = discover([out])
        assert len(tasks) >= MIN_TASKS, f"only {len(tasks)} validated tasks (want >= {MIN_TASKS})"
        pairs = [t for t in tasks if t.kind == "multi-site"]
        singles = [t for t in tasks if t.kind != "multi-site"]
        sample = pairs[:2] + random.Random(0).sample(singles, min(len(singles), args.sample - len(pairs[:2])))
        print(f"\nharvester tasks validate on {len(sample)} of them ({len(pairs[:2])} multi-site):", flush=True)
        started = time.monotonic()
        code = cli.main(["tasks", "validate", "--runs", "2", *(str(t.root) for t in sample)])
        print(f"validate exit code {code} in {time.monotonic() - started:.0f}s")
        assert code == 0, "a seeded task failed `harvester tasks validate`"
        print(f"\nOK: {len(tasks)} validated tasks (>= {MIN_TASKS}); {report.per_minute:.1f} candidates/min")
        return 0
    finally:
        shutil.rmtree(out, ignore_errors=True)
        gc(RUN, client)


if __name__ == "__main__":
    sys.exit(main())
