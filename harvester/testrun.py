"""Run pytest node ids in a sandbox and read back one status per id (shared by validation and grading)."""

from __future__ import annotations

import posixpath

from pydantic import BaseModel, ConfigDict, Field

from harvester.junit import Status, id_file, parse_junit, statuses
from sandbox import Sandbox

REPO = "/repo"
JUNIT = "/tmp/junit.xml"
TAIL_CHARS = 2000
PYTEST = ["python3", "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rX", "--continue-on-collection-errors",
          f"--junitxml={JUNIT}", "-o", "junit_family=xunit1"]
# Only files that exist are passed: one missing file would make pytest stop before running anything.
_SCRIPT = (f'rm -f {JUNIT}; f=(); for p in "$@"; do [ -e "$p" ] && f+=("$p"); done; '
           '[ ${#f[@]} = 0 ] && { echo "none of the test files exist"; exit 5; }; '
           f'exec {" ".join(PYTEST)} "${{f[@]}}"')


class TestRun(BaseModel):
    """The outcome of one pytest process: per-id statuses plus how the process ended."""

    __test__ = False  # not a pytest test class
    model_config = ConfigDict(frozen=True, extra="forbid")
    statuses: dict[str, Status] = Field(description="Requested node id -> status; 'missing' when not reported.")
    exit_code: int = Field(description="pytest's exit status (or the failing setup step's).")
    timed_out: bool = Field(False, description="True when the run was killed at its time limit.")
    oom: bool = Field(False, description="True when the OOM killer fired during the run.")
    output_tail: str = Field("", description="The last characters of the output, for diagnosis.")
    setup_error: str | None = Field(None, description="Why the tests could not be set up (a patch did not apply).")
    duration_s: float = Field(0.0, description="Wall time of the pytest process.")

    def failing(self, wanted: Status = "passed") -> list[str]:
        """Ids whose status is not `wanted`."""
        return [node_id for node_id, status in self.statuses.items() if status != wanted]


def prepare(sandbox: Sandbox, extra_files: dict[str, bytes] | None = None,
            patches: list[str] | None = None, repo: str = REPO) -> str | None:
    """Write files (repo-relative path -> bytes), then `git apply` each patch in order.

    Returns None on success, else a one-line reason (a patch that does not apply is data).
    """
    for path, data in sorted((extra_files or {}).items()):
        sandbox.write_file(posixpath.join(repo, path), data)
    patches = [patch for patch in patches or [] if patch.strip()]
    for number, patch in enumerate(patches, 1):
        tmp = f"/tmp/.harvester-patch-{number}.diff"
        sandbox.write_file(tmp, patch if patch.endswith("\n") else patch + "\n")
        done = sandbox.exec(["git", "apply", "--whitespace=nowarn", tmp], workdir=repo, timeout=120)
        sandbox.remove_file(tmp)
        if done.exit_code != 0:
            last = (done.output.strip().splitlines() or ["no output"])[-1]
            return f"patch {number} of {len(patches)} does not apply: {last}"
    return None


def run_pytest(sandbox: Sandbox, test_ids: list[str], timeout_s: float, repo: str = REPO) -> TestRun:
    """One fresh pytest process over the files of `test_ids`; statuses read from its JUnit XML."""
    files = sorted({id_file(node_id) for node_id in test_ids})
    done = sandbox.exec(["bash", "-c", _SCRIPT, "pytest-files", *files], workdir=repo, timeout=timeout_s)
    tail = done.output[-TAIL_CHARS:]
    try:
        cases = parse_junit(sandbox.read_file(JUNIT))
    except FileNotFoundError:
        cases = []
    except ValueError as exc:
        cases, tail = [], f"{tail}\n[{exc}]"
    xpassed = _xpassed(test_ids, done.output)
    return TestRun(statuses=statuses(test_ids, cases, xpassed), exit_code=done.exit_code,
                   timed_out=done.timed_out, oom=done.oom_killed, output_tail=tail, duration_s=done.duration_s)


def _xpassed(test_ids: list[str], output: str) -> set[str]:
    """Ids in pytest's `-rX` summary lines ("XPASS <id>" then a reason or nothing)."""
    lines = {line.rstrip() for line in output.splitlines() if line.startswith("XPASS ")}
    found = set()
    for node_id in test_ids:
        head = f"XPASS {node_id}"
        if any(line == head or line.startswith(head + " ") for line in lines):
            found.add(node_id)
    return found


def run_tests(sandbox: Sandbox, test_ids: list[str], timeout_s: float, extra_files: dict[str, bytes] | None = None,
              patches: list[str] | None = None) -> TestRun:
    """Set up (files, then patches) and run once; a setup failure comes back as data, all ids missing."""
    problem = prepare(sandbox, extra_files, patches)
    if problem is not None:
        return TestRun(statuses={node_id: "missing" for node_id in test_ids}, exit_code=-1,
                       setup_error=problem, output_tail=problem)
    return run_pytest(sandbox, test_ids, timeout_s)
