"""Filters over real trace and label files: one reason code per dropped episode, the cap, dedupe, bad input."""

from __future__ import annotations

import json

import pytest

from harvester import cli as cli_module
from harvester.cmd.filter import load_config
from harvester.errors import ConfigError
from harvester.export.synthetic import PATCH, Episode, shell, trace_path, write_episode
from harvester.filters import FilterConfig, filter_run, normalize_patch
from harvester.records import DropsReport, KeptEpisode


@pytest.fixture
def cli(monkeypatch):
    """The real CLI entry point, with only the commands under test registered (others import their own stack)."""
    monkeypatch.setattr(cli_module, "COMMANDS", {k: cli_module.COMMANDS[k] for k in ("filter", "export")})
    return cli_module.main


def script(*scripts: str, final: str = "Fixed it.") -> list:
    return [[shell(s, f"Exit code: 0\nWall time: 0.1 seconds\nOutput:\nran {s}\n")] for s in scripts] + [final]


def patch(n: int) -> str:
    return PATCH.replace("+b", f"+b{n}")


def test_each_filter_drops_with_its_own_reason(tmp_path):
    loop = [[shell("pytest", "Exit code: 1\nWall time: 0.1 seconds\nOutput:\nF\n")]] * 3 + ["Gave up."]
    cases = {
        None: Episode("kept", 0, script("ls")),
        "unresolved": Episode("unresolved", 0, script("ls"), resolved=False),
        "tamper": Episode("tamper", 0, script("ls"), tamper=["edited_tests"]),
        "flaky": Episode("flaky", 0, script("ls"), runs=[True, False]),
        "infra_error": Episode("infra", 0, script("ls"), status="error", infra=True),
        "budget_stop": Episode("budget", 0, script("ls")[:-1], status="budget"),
        "error_stop": Episode("error", 0, script("ls"), status="error"),
        "empty_patch": Episode("empty", 0, script("ls"), patch=""),
        "malformed_calls": Episode("malformed", 0, [[("shell", '{"command": ["ls"', "Error: bad JSON")], "Done."]),
        "loop": Episode("loop", 0, loop),
        "too_many_turns": Episode("turns", 0, script(*"abcdef")),
        "incomplete": Episode("incomplete", 0, script("ls"), complete=False),
    }
    for episode in cases.values():
        write_episode(tmp_path, episode)
    write_episode(tmp_path, Episode("unlabeled", 0, script("ls")), label=False)
    result = filter_run(tmp_path, FilterConfig(max_turns=5))
    assert [e.task_id for e in result.kept] == ["kept"]
    expected = {r: 1 for r in cases if r} | {"unlabeled": 1}
    assert result.report.by_reason == expected
    assert result.report.by_task["kept"] == {"kept": 1}
    assert result.report.by_task["loop"] == {"loop": 1}
    assert result.report.total == len(cases) + 1 and result.report.warnings == []
    assert {e.task_id for e in result.negatives} == {"unresolved"}


def test_token_limit_counts_the_exported_row(tmp_path):
    write_episode(tmp_path, Episode("t", 0, script("a", "b", "c")))
    tokens = filter_run(tmp_path, FilterConfig()).kept[0].tokens
    assert tokens > 0
    assert filter_run(tmp_path, FilterConfig(max_tokens=tokens)).kept
    assert filter_run(tmp_path, FilterConfig(max_tokens=tokens - 1)).report.by_reason == {"too_many_tokens": 1}


def test_per_task_cap_keeps_the_shortest(tmp_path):
    for n, length in enumerate([5, 2, 4, 3]):
        write_episode(tmp_path, Episode("t", n, script(*[f"cmd{n}-{i}" for i in range(length)]), patch=patch(n)))
    result = filter_run(tmp_path, FilterConfig())
    assert [e.episode_id for e in result.kept] == ["t.a1.s0", "t.a3.s0"]
    assert result.report.by_task["t"] == {"kept": 2, "task_cap": 2}
    assert len(filter_run(tmp_path, FilterConfig(per_task_cap=None)).kept) == 4


def test_dedupe_by_patch_and_by_action_sequence(tmp_path):
    write_episode(tmp_path, Episode("t", 0, script("ls"), patch=patch(1)))
    moved = patch(1).replace("@@ -1 +1 @@", "@@ -7 +7 @@")
    write_episode(tmp_path, Episode("t", 1, script("cat x", "ls"), patch=moved))
    write_episode(tmp_path, Episode("t", 2, script("ls"), patch=patch(2)))
    result = filter_run(tmp_path, FilterConfig(per_task_cap=None))
    assert [e.episode_id for e in result.kept] == ["t.a0.s0"]
    assert result.report.by_reason == {"duplicate_actions": 1, "duplicate_patch": 1}
    assert len(filter_run(tmp_path, FilterConfig(per_task_cap=None, dedupe=())).kept) == 3
    assert len(filter_run(tmp_path, FilterConfig(per_task_cap=None, dedupe=("patch",))).kept) == 2


def test_normalized_patch_ignores_line_numbers_index_lines_and_trailing_space():
    a = "diff --git a/x b/x\nindex 111..222 100644\n--- a/x\n+++ b/x\n@@ -3,2 +3,2 @@ def f():\n-a\n+b\n"
    b = "diff --git a/x b/x\nindex 333..444 100644\n--- a/x\n+++ b/x\n@@ -9,2 +9,2 @@ def g():\n-a  \n+b\n"
    assert normalize_patch(a) == normalize_patch(b)
    assert normalize_patch(a) != normalize_patch(a.replace("+b", "+c"))


def test_loop_needs_the_same_action_max_repeat_times_running(tmp_path):
    same = [shell("pytest", "Exit code: 1\nWall time: 0.1 seconds\nOutput:\nF\n")]
    write_episode(tmp_path, Episode("two", 0, [same, same, [shell("ls", "x")], same, "Done."]))
    write_episode(tmp_path, Episode("three", 0, [same, same, same, "Done."]))
    assert [e.task_id for e in filter_run(tmp_path, FilterConfig()).kept] == ["two"]
    assert len(filter_run(tmp_path, FilterConfig(max_repeat=None)).kept) == 2
    assert filter_run(tmp_path, FilterConfig(max_repeat=2)).kept == []


def test_malformed_share(tmp_path):
    calls = [[shell(f"cmd{i}", "ok")] for i in range(3)] + [[("shell", "not json", "Error: bad")], "Done."]
    write_episode(tmp_path, Episode("t", 0, calls))
    assert filter_run(tmp_path, FilterConfig()).report.by_reason == {"malformed_calls": 1}
    assert len(filter_run(tmp_path, FilterConfig(max_malformed_share=0.25)).kept) == 1
    assert filter_run(tmp_path, FilterConfig(max_malformed_share=0.2)).kept == []


def test_bad_input_is_reported_in_one_line_each_and_the_rest_kept(tmp_path, capsys, cli):
    for n in range(3):
        write_episode(tmp_path, Episode(f"t{n}", 0, script("ls")))
    truncated = trace_path(tmp_path, Episode("t0", 0, []))
    truncated.write_bytes(truncated.read_bytes()[:-40])
    corrupt = trace_path(tmp_path, Episode("t1", 0, []))
    lines = corrupt.read_bytes().split(b"\n")
    corrupt.write_bytes(b"\n".join([lines[0], b'{"type": "model", "v"', *lines[2:]]))
    write_episode(tmp_path, Episode("gone", 0, script("ls"))).unlink()
    with open(tmp_path / "labels.jsonl", "a") as f:
        f.write("{not a label\n")
    assert cli(["filter", str(tmp_path)]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 4 and all(line.startswith("warning: ") for line in err)
    assert any("t0.a0.s0.jsonl: last line truncated" in line for line in err)
    assert any("t1.a0.s0.jsonl: line 2: not valid JSON" in line for line in err)
    assert any("label of gone.a0.s0 names a missing trace" in line for line in err)
    assert any("labels.jsonl: line 5: unreadable label" in line for line in err)
    report = DropsReport.model_validate_json((tmp_path / "drops.json").read_text())
    assert report.by_reason == {"corrupt_trace": 1, "incomplete": 1, "missing_trace": 1}
    kept = [KeptEpisode.model_validate_json(line) for line in (tmp_path / "kept.jsonl").read_text().splitlines()]
    assert [k.episode_id for k in kept] == ["t2.a0.s0"] and kept[0].trace == "traces/t2/t2.a0.s0.jsonl"


def test_missing_run_directory_is_one_line(tmp_path, capsys, cli):
    with pytest.raises(ConfigError, match="no such run directory"):
        filter_run(tmp_path / "nope", FilterConfig())
    assert cli(["filter", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such run directory" in err


def test_config_from_toml_and_overrides(tmp_path):
    path = tmp_path / "run.toml"
    path.write_text("[filters]\nper_task_cap = 3\nresolved_only = false\n")
    config = load_config(path, ["max_turns=7", "dedupe=[\"patch\"]"])
    assert (config.per_task_cap, config.resolved_only, config.max_turns, config.dedupe) == (3, False, 7, ("patch",))
    path.write_text("[filters]\nper_task_kap = 3\n")
    with pytest.raises(ConfigError, match=r"run.toml: filters.per_task_kap: Extra inputs"):
        load_config(path, [])
    with pytest.raises(ConfigError, match="filters.per_task_cap"):
        load_config(None, ["per_task_cap=0"])


def test_drops_report_accounts_for_every_episode(tmp_path, cli):
    for n in range(6):
        write_episode(tmp_path, Episode(f"t{n % 2}", n, script(f"c{n}"), resolved=n != 3, patch=patch(n)))
    assert cli(["filter", str(tmp_path), "--set", "per_task_cap=1"]) == 0
    report = json.loads((tmp_path / "drops.json").read_text())
    assert report["total"] == 6 == report["kept"] + sum(report["by_reason"].values())
    assert report["by_reason"] == {"task_cap": 3, "unresolved": 1} and report["kept"] == 2
    assert sum(sum(v for k, v in counts.items() if k != "kept") for counts in report["by_task"].values()) == 4
    assert (tmp_path / "negatives.jsonl").read_text().count("\n") == 1
