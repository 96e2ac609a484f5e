"""`harvester seed`: from a repository with a passing suite to validated synthetic-bug task directories."""

from __future__ import annotations

import math
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import docker
from pydantic import BaseModel, ConfigDict, Field

from harvester.seed import candidates as cands
from harvester.seed.candidates import PAIR, Candidate
from harvester.seed.project import Project, Suite, acquire, clean_suite, load_project, seed_image
from harvester.seed.seedrun import Baseline, Check, Limits, Pool, check
from harvester.seed.statement import Endpoint, statement
from harvester.seed.taskdir import solution_of, write_task
from sandbox import connect

MIN_RUN_TIMEOUT_S = 10.0
MIN_CANDIDATES = 2000  # generated before validation starts; big repos are sampled file by file
MAX_PROMPT_SOURCE = 8000  # characters of hidden test source shown to a statement-writing model


class SeedConfig(BaseModel):
    """Everything `harvester seed` needs."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    repo: str = Field(description="Local directory or git URL of a Python project with a pytest suite.")
    out: Path = Field(Path("task_repos"), description="Where task directories are written.")
    count: int = Field(50, ge=1, description="Tasks to write (single-site plus multi-site).")
    seed: int = Field(0, description="Seed of the candidate order and of randomized modifiers.")
    concurrency: int = Field(2, ge=1, description="Containers validating candidates at once.")
    runs: int = Field(2, ge=1, description="Full-suite runs per candidate that must agree.")
    pairs: int | None = Field(None, ge=0, description="Multi-site tasks among `count` (default: count // 10).")
    suite_timeout_s: float = Field(300.0, gt=0, description="Longest acceptable clean-state suite run.")
    max_fail_share: float = Field(0.5, gt=0, le=1, description="Largest share of the suite one bug may fail.")
    model: str | None = Field(None, description="Model writing statements (needs base_url); else a template.")
    base_url: str | None = Field(None, description="OpenAI-compatible endpoint for statements.")
    api_key_env: str = Field("OPENAI_API_KEY", description="Environment variable holding the endpoint's key.")
    label: str = Field("seed", description="harvester.run label of the containers.")


class Yield(BaseModel):
    """Candidates of one modifier that were checked, and kept."""

    model_config = ConfigDict(extra="forbid")
    checked: int = Field(0, description="Candidates validated.")
    kept: int = Field(0, description="Candidates that became tasks.")


class SeedReport(BaseModel):
    """What one seeding did."""

    model_config = ConfigDict(extra="forbid")
    project: str = Field(description="Project name.")
    tests: int = Field(0, description="Tests passing at the clean state.")
    generated: int = Field(0, description="Distinct candidates the modifiers produced.")
    per_modifier: dict[str, Yield] = Field(default={}, description="Modifier -> checked and kept.")
    reasons: dict[str, int] = Field(default={}, description="Why candidates were dropped -> count.")
    tasks: list[str] = Field(default=[], description="Ids of the task directories written.")
    statements: dict[str, int] = Field(default={}, description="Statement source (model/template) -> count.")
    validate_s: float = Field(0.0, description="Wall time spent validating candidates.")
    wall_s: float = Field(0.0, description="Wall time of the whole seeding.")

    @property
    def checked(self) -> int:
        return sum(y.checked for y in self.per_modifier.values())

    @property
    def per_minute(self) -> float:
        """Candidates validated per minute of validation wall time."""
        return 60.0 * self.checked / self.validate_s if self.validate_s > 0 else 0.0


def _texts(project: Project, paths: list[str]) -> dict[str, str]:
    return {path: (project.root / path).read_text(encoding="utf-8", errors="surrogateescape") for path in paths}


class _Validator:
    """Runs candidates through the pool in waves, in order, until enough are kept."""

    def __init__(self, pool: Pool, project: Project, suite: Suite, limits: Limits, report: SeedReport, log) -> None:
        self.pool, self.limits, self.report, self.log = pool, limits, report, log
        self.base = Baseline(ids=suite.ids, clean=_texts(project, project.sources), tests=_texts(project, project.tests))
        self.kept: list[tuple[Candidate, Check]] = []

    def until(self, items: Iterator[Candidate], needed: int, expect: Callable[[Candidate], frozenset[str]]) -> None:
        target, wave = len(self.kept) + needed, 4 * self.pool.size
        while len(self.kept) < target:
            batch = [c for _, c in zip(range(wave), items)]
            if not batch:
                return
            started = time.monotonic()
            checks = self.pool.map(lambda box, c: check(box, c, self.base, self.limits, expect(c)), batch)
            self.report.validate_s += time.monotonic() - started
            for candidate, result in zip(batch, checks):
                counts = self.report.per_modifier.setdefault(candidate.modifier, Yield())
                counts.checked += 1
                if not result.ok:
                    self.report.reasons[result.reason] = self.report.reasons.get(result.reason, 0) + 1
                elif len(self.kept) < target:
                    counts.kept += 1
                    self.kept.append((candidate, result))
                else:  # valid, but the wave overshot the count
                    self.report.reasons["surplus"] = self.report.reasons.get("surplus", 0) + 1
            self.log(f"checked {self.report.checked}, kept {len(self.kept)}/{target}"
                     f" ({self.report.per_minute:.0f} candidates/min)")


def _metadata(config: SeedConfig, candidate: Candidate, singles: dict[str, Candidate], source: str) -> dict:
    meta = {"origin": "seeded", "modifier": candidate.modifier, "file": candidate.file, "unit": candidate.unit,
            "line": candidate.line, "seed": config.seed, "statement_source": source}
    if candidate.modifier == PAIR:
        parts = [singles[key] for key in candidate.parts]
        meta["parts"] = ", ".join(f"{p.modifier} in {p.unit} at line {p.line}" for p in parts)
    return meta


def _write(config: SeedConfig, project: Project, kept: list[tuple[Candidate, Check]], timeout_s: int,
           report: SeedReport) -> None:
    singles = {c.key: c for c, _ in kept}
    endpoint = None
    if config.model and config.base_url:
        endpoint = Endpoint(model=config.model, base_url=config.base_url,
                            api_key=os.environ.get(config.api_key_env) or None)
    for candidate, result in kept:
        hidden_source = "\n\n".join((project.root / path).read_text(encoding="utf-8") for path in result.visible)
        text, source = statement(project.name, result.fail_to_pass, result.messages, solution_of(project, candidate),
                                 hidden_source[:MAX_PROMPT_SOURCE], endpoint)
        report.statements[source] = report.statements.get(source, 0) + 1
        task = write_task(config.out, project, candidate, result, text, _metadata(config, candidate, singles, source),
                          timeout_s)
        report.tasks.append(task.id)


def _validate(config: SeedConfig, project: Project, pool: Pool, report: SeedReport, log) -> tuple[list, Limits]:
    suite = pool.call(lambda box: clean_suite(box, config.suite_timeout_s, config.repo))
    report.tests = len(suite.ids)
    log(f"{project.name}: {len(suite.ids)} tests pass at the clean state ({suite.duration_s:.1f}s per run)")
    found = cands.generate(project.root, project.sources, config.seed, max(MIN_CANDIDATES, 40 * config.count))
    report.generated = len(found)
    log(f"{len(found)} candidates: " + ", ".join(f"{k} {v}" for k, v in Counter(c.modifier for c in found).items()))
    timeout = min(config.suite_timeout_s, max(MIN_RUN_TIMEOUT_S, 10 * suite.duration_s))
    limits = Limits(runs=config.runs, timeout_s=timeout, max_fail_share=config.max_fail_share)
    validator = _Validator(pool, project, suite, limits, report, log)
    wanted_pairs = config.count // 10 if config.pairs is None else min(config.pairs, config.count)
    singles = iter(found)
    validator.until(singles, config.count - wanted_pairs, lambda c: frozenset())
    f2p = {c.key: set(r.fail_to_pass) for c, r in validator.kept}
    combos = cands.pairs([c for c, _ in validator.kept], validator.base.clean, config.seed)
    validator.until(iter(combos), wanted_pairs, lambda c: frozenset().union(*(f2p[k] for k in c.parts)))
    validator.until(singles, config.count - len(validator.kept), lambda c: frozenset())
    return validator.kept, limits


def seed_repo(config: SeedConfig, client: docker.DockerClient | None = None, log=print) -> SeedReport:
    """Seed tasks from one repository into `config.out`; SeedError (one line) when the repo cannot be used."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="harvester-seed-") as tmp:
        project = load_project(acquire(config.repo, Path(tmp)), config.repo)
        report = SeedReport(project=project.name)
        client = client or connect()
        image = seed_image(client, project, log)
        with Pool(client, image, config.concurrency, config.label) as pool:
            kept, limits = _validate(config, project, pool, report, log)
        _write(config, project, kept, max(120, math.ceil(2 * limits.timeout_s)), report)
    report.wall_s = time.monotonic() - started
    return report
