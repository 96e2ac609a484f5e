"""The offline `repair` policy: candidate generation, the search on a scripted conversation, and real
episodes in containers (shipped single-site tasks, graded in clean containers; an unsolvable bug)."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from harvester.episode import run_task_episode
from harvester.errors import PolicyError
from harvester.grade import grade_episode
from harvester.loop import EpisodeContext, LoopConfig, initial_messages, run_episode
from harvester.patch import plan_patch
from harvester.policies.repair import RepairPolicy
from harvester.policies.repair_mutate import mutations, swap_patch
from harvester.records import Budget, Message
from harvester.task import discover
from harvester.tools import TOOLS
from harvester.trace import TraceWriter, read_trace
from sandbox import Sandbox

TASKS = Path(__file__).resolve().parent.parent / "task_repos"
SOURCE = '''LIMIT = 3 if True else 4


def window(items, size):
    if size <= 0 or not items:
        return []
    out = []
    for i in range(len(items) - size):
        out.append(items[i:i + size])
    return out


def first(items):
    for i in range(len(items) - 1):
        return items[i]
    return None


def second(items):
    for i in range(len(items) - 1):
        return items[i]
    return None
'''


def cat_n(text: str) -> str:
    body = "".join(f"{n:6d}\t{line}\n" for n, line in enumerate(text.rstrip("\n").split("\n"), 1))
    return f"Exit code: 0\nWall time: 0.0 seconds\nOutput:\n{body}"


def apply(patch: str, state: dict[str, str]) -> dict[str, str]:
    return {c.path: c.content for c in plan_patch(patch, state.get)}


def test_candidates_cover_the_families_on_executed_lines_only():
    found = mutations("pkg/mod.py", SOURCE, set(range(1, 11)))
    changes = {(m.line, m.new.strip()) for m in found}
    assert (5, "if size < 0 or not items:") in changes  # flipped comparison
    assert (5, "if size <= 0 and not items:") in changes  # boolean operator
    assert (5, "if size <= 0 or items:") in changes  # `not` removed
    assert (8, "for i in range(len(items) - size + 1):") in changes  # range bound off by one
    assert (8, "for i in range(size - len(items)):") in changes  # swapped operands
    assert (9, "out.append(items[i:i + size - 1])") in changes  # slice bound off by one
    assert all(5 <= m.line <= 9 for m in found)  # module-level line 1 and unexecuted lines are left alone
    assert len(changes) == len(found)
    for m in found:
        lines = SOURCE.split("\n")
        assert lines[m.line - 1] == m.old != m.new and m.rank in (0, 1, 2)
        compile(m.apply(SOURCE), "mod.py", "exec")
    assert mutations("bad.py", "def f(:\n", {1}) == []


def test_patches_land_exactly_even_where_the_text_repeats():
    found = mutations("pkg/mod.py", SOURCE, set(range(19, 23)))
    assert found and all(m.line >= 19 for m in found)  # only `second`, whose body repeats `first`'s
    state = {"pkg/mod.py": SOURCE}
    for m in found:
        assert apply(swap_patch(state, None, m), state) == {"pkg/mod.py": m.apply(SOURCE)}
    one, two = found[0], found[-1]
    applied = {"pkg/mod.py": one.apply(SOURCE)}
    assert apply(swap_patch(state, one, two), applied) == {"pkg/mod.py": two.apply(SOURCE)}
    assert apply(swap_patch(state, two, None), {"pkg/mod.py": two.apply(SOURCE)}) == state


STATEMENT = ("window() drops the last window\n\n```python\nfrom pkg.mod import window\n"
             "assert window([1, 2], 2) == [[1, 2]]\n```\n")
PROBE_OUTPUT = ("Exit code: 0\nWall time: 0.4 seconds\nOutput:\nAssertionError\nreproduction: FAILS\n"
                "tests: 0 failed, 2 passed\nlines run by failing checks (line:failing:passing):\n"
                "pkg/mod.py 5:1:2 7:1:2 8:1:1 9:1:0 10:1:1\n")


def conversation(seed: int, oracle_passes_at: int) -> list[Message]:
    """Drive the policy with scripted tool results; the oracle passes at candidate `oracle_passes_at`."""
    ctx = EpisodeContext(episode_id="e", run="test-repair", task_id="t", task_hash="0", image="i", image_id="i",
                         statement=STATEMENT, test_command="python3 -m pytest -q")
    messages, policy, candidate = initial_messages(ctx, LoopConfig()), RepairPolicy(seed=seed), 0
    while True:
        reply = policy.next(list(messages), TOOLS)
        assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens > 0
        messages.append(reply.message)
        if not reply.message.tool_calls:
            return messages
        for call in reply.message.tool_calls:
            args = json.loads(call.function.arguments)
            if call.function.name == "apply_patch":
                candidate += 1
                output = "Success. Updated the following files:\nM pkg/mod.py\n"
            elif args["command"][:2] == ["cat", "-n"]:
                output = cat_n(SOURCE)
            elif args["command"][:2] == ["python3", "-c"]:
                output = PROBE_OUTPUT
            else:
                code = 0 if candidate == oracle_passes_at or "&&" not in args["command"][-1] else 1
                output = f"Exit code: {code}\nWall time: 0.1 seconds\nOutput:\n"
            messages.append(Message(role="tool", tool_call_id=call.id, content=output))


def test_the_search_is_deterministic_per_seed_and_stops_at_the_first_pass():
    messages = conversation(seed=0, oracle_passes_at=3)
    assert messages == conversation(seed=0, oracle_passes_at=3)
    patches = [json.loads(c.function.arguments)["input"] for m in messages for c in m.tool_calls or []
               if c.function.name == "apply_patch"]
    assert len(patches) == 3 and messages[-1].content.startswith("Fixed: pkg/mod.py line 9")  # line 9 ranks first
    orders = {tuple(m.content for m in conversation(seed, 99) if m.role == "assistant") for seed in range(6)}
    assert len(orders) > 1  # the seed shuffles candidates of equal rank
    with pytest.raises(PolicyError):  # a history this policy did not produce is refused, not papered over
        RepairPolicy(seed=0).next(messages[:2] + [messages[2].model_copy(update={"content": "other"})]
                                  + messages[3:5], TOOLS)


def test_the_search_gives_up_and_reverts_when_nothing_passes():
    messages = conversation(seed=1, oracle_passes_at=-1)
    calls = [c for m in messages for c in m.tool_calls or [] if c.function.name == "apply_patch"]
    last = json.loads(calls[-1].function.arguments)["input"]
    tried = len(mutations("pkg/mod.py", SOURCE, {5, 7, 8, 9, 10}))
    assert len(calls) == tried + 1 and "I could not find a fix" in messages[-1].content
    assert messages[-3].content.startswith("None of the candidate fixes worked; reverting")
    assert last.count("*** Update File:") == 1  # the final patch only reverts


def single_site_tasks():
    return [task for task in discover([TASKS]) if task.kind == "single-site"]


def solve(task, tmp_path: Path, client) -> tuple[str, bool, str]:
    loop, t0 = LoopConfig(), time.monotonic()
    for _ in range(3):  # an infrastructure error is rerun, as `harvester run` does on resume
        path = run_task_episode(task, RepairPolicy(seed=0, budget=loop.budget), tmp_path, "test-repair", 0, 0,
                                loop, client=client)
        trace = read_trace(path)
        if not trace.end.infra_error:
            break
        print(f"\n{task.id}: rerun after an infrastructure error: {trace.end.reason}")
    label = grade_episode(trace, task, client=client)
    assert trace.complete and trace.end.status == "finished", (task.id, trace.end.reason)
    assert label.outcome in ("resolved", "unresolved", "no_patch"), (task.id, label.infra_reason)
    changed = [line for line in trace.end.diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert len(changed) == (2 if label.resolved else 0), (task.id, trace.end.diff)  # one line, or nothing
    summary = f"{trace.end.steps} steps, {time.monotonic() - t0:.0f}s: {trace.model_events[-1].response.content}"
    return task.id, label.resolved, summary


def test_repair_solves_most_shipped_single_site_tasks(tmp_path, docker_client):
    tasks = single_site_tasks()
    assert tasks, f"no single-site tasks under {TASKS}"
    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda task: solve(task, tmp_path, docker_client), tasks))
    solved = [task_id for task_id, resolved, _ in results if resolved]
    print(f"\nrepair solved {len(solved)}/{len(tasks)} single-site tasks in {time.monotonic() - t0:.0f}s")
    for task_id, resolved, summary in results:
        print(f"  {'solved  ' if resolved else 'unsolved'} {task_id}: {summary[:180]}")
    assert 2 * len(solved) >= len(tasks)


UNSOLVABLE = {  # the issue asks for new behaviour: no single-line change gives it
    "calc/__init__.py": "",
    "calc/clamp.py": "def clamp(x, low, high):\n    if x < low:\n        return low\n    if x > high:\n"
                     "        return high\n    return x\n",
    "tests/test_clamp.py": "from calc.clamp import clamp\n\n\ndef test_inside():\n    assert clamp(5, 0, 9) == 5\n\n\n"
                           "def test_edges():\n    assert clamp(-1, 0, 9) == 0 and clamp(10, 0, 9) == 9\n",
}
CLAMP_ISSUE = ("clamp() should reject an empty interval\n\n```python\nfrom calc.clamp import clamp\ntry:\n"
               "    clamp(1, 5, 0)\nexcept ValueError:\n    pass\nelse:\n    raise AssertionError('no error')\n```\n")


@pytest.mark.parametrize("max_steps", [40, 8])
def test_repair_fails_honestly_and_within_budget(tmp_path, base_image, max_steps):
    for rel, text in UNSOLVABLE.items():
        (tmp_path / "src" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "src" / rel).write_text(text)
    ctx = EpisodeContext(episode_id="clamp.a0.s0", run="test-repair", task_id="clamp", task_hash="0" * 16,
                         image=base_image, image_id="sha256:x", statement=CLAMP_ISSUE,
                         test_command="python3 -m pytest -q")
    loop = LoopConfig(budget=Budget(max_steps=max_steps))
    with Sandbox.start(base_image, labels={"harvester.run": "test-repair"}) as box:
        box.copy_repo(tmp_path / "src", "/repo")
        with TraceWriter(tmp_path / "t.jsonl") as writer:
            end = run_episode(ctx, RepairPolicy(seed=3, budget=loop.budget), box, writer, loop)
        assert box.diff() == ""
    trace = read_trace(tmp_path / "t.jsonl")
    assert (end.status, end.diff) == ("finished", "") and end.steps <= max_steps
    assert "could not find a fix" in trace.model_events[-1].response.content
    patches = [e for e in trace.tool_events if e.name == "apply_patch"]
    assert len(patches) >= 2 and all(e.output.startswith("Success.") for e in patches)
