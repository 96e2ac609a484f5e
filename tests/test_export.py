"""Export from real trace files: every file validates, every row is what the model saw, bad input is skipped."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from formats import validate_export_dir
from harvester import cli as cli_module
from harvester.errors import ConfigError
from harvester.export.driver import ExportConfig, export_run
from harvester.export.sharegpt import RESULT_JOIN
from harvester.export.synthetic import Episode, random_episode, shell, trace_path, write_episode
from harvester.export.text import RESULT_PREFIX
from harvester.filters import FilterConfig
from harvester.trace import read_trace

PLAN = ("update_plan", {"explanation": "two steps", "plan": [{"step": "read", "status": "completed"},
                                                            {"step": "fix", "status": "in_progress"}]}, "Plan updated")
EDIT = ("apply_patch", {"input": "*** Begin Patch\n*** Update File: pkg/été.py\n@@\n-x = '→'\n+x = \"←\"\n"
                                 "*** End Patch\n"}, "Success. Updated the following files:\nM pkg/été.py")


def out(text: str) -> str:
    return f"Exit code: 1\nWall time: 0.3 seconds\nOutput:\n{text}\n"


def varied_run(run_dir: Path, tasks: int = 12) -> None:
    """Resolved episodes with parallel calls, reasoning, unicode and multi-line arguments, plus negatives."""
    for t in range(tasks):
        task = f"task{t:02d}"
        first = [shell("python -m pytest -q", out(f"FAILED test_{t} - AssertionError: 'ü' != 'u'")),
                 shell("cat pkg/été.py", out("x = '→'\n\ttabbed"))]
        good = [first, [PLAN], [EDIT], [shell("python -m pytest -q", out("3 passed in 0.05s"))], "Fixed: «é»."]
        write_episode(run_dir, Episode(task, 0, good, reasoning="Read the traceback" if t % 2 else None))
        bad = [first, [shell("sed -i s/x/y/ pkg/été.py", out(""))], "I think it is fixed."]
        write_episode(run_dir, Episode(task, 1, bad, resolved=False, call_prefix="call_other"))


@pytest.fixture
def cli(monkeypatch):
    """The real CLI entry point, with only the commands under test registered."""
    monkeypatch.setattr(cli_module, "COMMANDS", {k: cli_module.COMMANDS[k] for k in ("filter", "export")})
    return cli_module.main


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_every_exported_file_validates(tmp_path):
    varied_run(tmp_path)
    result = export_run(tmp_path)
    counts = validate_export_dir(tmp_path / "export", min_openai_rows=10)
    assert counts == {"sft.openai.jsonl": 12, "sft.hf.jsonl": 12, "sft.text.jsonl": 12, "sft.sharegpt.jsonl": 12,
                      "dpo.openai.jsonl": 12, "dpo.trl.jsonl": 12}
    assert result.warnings == [] and result.rows == counts


def test_rows_are_exactly_what_the_model_saw(tmp_path):
    varied_run(tmp_path)
    export_run(tmp_path)
    out_dir = tmp_path / "export"
    meta = {(m["file"], m["row"]): m for m in rows(out_dir / "meta.jsonl")}
    files = {name: rows(out_dir / name) for name in ("sft.openai.jsonl", "sft.hf.jsonl", "sft.sharegpt.jsonl",
                                                      "sft.text.jsonl")}
    for n, row in enumerate(files["sft.openai.jsonl"]):
        trace = read_trace(tmp_path / meta[("sft.openai.jsonl", n)]["trace"])
        seen = trace.last_request() + [trace.model_events[-1].response.wire()]
        assert [{k: v for k, v in m.items() if k != "weight"} for m in row["messages"]] == seen
        assert row["tools"] == trace.start.tools
        assert [m["weight"] for m in row["messages"] if m["role"] == "assistant"] == [1] * len(trace.model_events)
        hf = files["sft.hf.jsonl"][n]["messages"]
        reasoning = [e.reasoning for e in trace.model_events]
        assert [m.get("reasoning_content") for m in hf if m["role"] == "assistant"] == reasoning
        for wire, obj in zip(seen, hf):
            for a, b in zip(wire.get("tool_calls", []), obj.get("tool_calls", [])):
                assert json.loads(a["function"]["arguments"]) == b["function"]["arguments"]
            assert {k: v for k, v in obj.items() if k not in ("tool_calls", "reasoning_content")} == \
                   {k: v for k, v in wire.items() if k != "tool_calls"}
        outputs = [e.output for e in trace.tool_events]
        share = files["sft.sharegpt.jsonl"][n]
        assert share["system"] == seen[0]["content"]
        assert RESULT_JOIN.join(t["value"] for t in share["conversations"] if t["from"] == "observation") == \
               RESULT_JOIN.join(outputs)
        text = files["sft.text.jsonl"][n]["messages"]
        assert text[0]["content"].startswith(seen[0]["content"]) and text[1]["content"] == seen[1]["content"]
        joined = "\n\n".join(m["content"] for m in text if m["role"] == "user")
        assert all(RESULT_PREFIX.format(name=e.name) + e.output in joined for e in trace.tool_events)


def test_parallel_calls_become_lists_and_merged_results(tmp_path):
    varied_run(tmp_path, tasks=1)
    export_run(tmp_path)
    share = rows(tmp_path / "export" / "sft.sharegpt.jsonl")[0]["conversations"]
    assert [t["from"] for t in share[:3]] == ["human", "function_call", "observation"]
    calls = json.loads(share[1]["value"])
    assert [c["name"] for c in calls] == ["shell", "shell"]
    assert calls[1]["arguments"]["command"][2] == "cat pkg/été.py"
    assert share[2]["value"].count(RESULT_JOIN) == 1
    text = rows(tmp_path / "export" / "sft.text.jsonl")[0]["messages"]
    assert text[2]["content"].count("<function=shell>") == 2
    assert '<parameter=command>["bash","-lc","cat pkg/été.py"]</parameter>' in text[2]["content"]
    assert "<parameter=input>\n*** Begin Patch\n" in text[6]["content"]
    assert text[3]["content"].count("EXECUTION RESULT of [shell]:") == 2


def test_preference_pair_prompt_is_the_shared_prefix(tmp_path):
    varied_run(tmp_path, tasks=1)
    export_run(tmp_path)
    pair = rows(tmp_path / "export" / "dpo.openai.jsonl")[0]
    good = read_trace(trace_path(tmp_path, Episode("task00", 0, [])))
    bad = read_trace(trace_path(tmp_path, Episode("task00", 1, [])))
    prompt = pair["input"]["messages"]
    assert prompt == good.last_request()[:len(prompt)] and len(prompt) == 5 and prompt[-1]["role"] == "tool"
    assert pair["preferred_output"] == [good.model_events[1].response.wire()]
    assert pair["non_preferred_output"] == [bad.model_events[1].response.wire()]
    assert bad.model_events[0].response.tool_calls[0].id != good.model_events[0].response.tool_calls[0].id
    trl = rows(tmp_path / "export" / "dpo.trl.jsonl")[0]
    assert trl["chosen"][0]["tool_calls"][0]["function"]["arguments"] == PLAN[1]
    meta = [m for m in rows(tmp_path / "export" / "meta.jsonl") if m["file"] == "dpo.trl.jsonl"]
    assert (meta[0]["episode_id"], meta[0]["rejected_episode_id"]) == ("task00.a0.s0", "task00.a1.s0")


def test_no_pair_when_episodes_diverge_at_a_tool_output(tmp_path):
    write_episode(tmp_path, Episode("t", 0, [[shell("ls", out("a"))], "Done."]))
    write_episode(tmp_path, Episode("t", 1, [[shell("ls", out("b"))], "Done."], resolved=False))
    result = export_run(tmp_path, ExportConfig(formats=("dpo-openai", "dpo-trl")))
    assert result.rows == {"dpo.openai.jsonl": 0, "dpo.trl.jsonl": 0}
    assert len(result.warnings) == 1 and "diverge at a tool/tool message" in result.warnings[0]


def test_malformed_turn_gets_weight_zero_and_other_formats_skip(tmp_path):
    bad_call = [("shell", '{"command": "ls"', "Error: shell: arguments are not valid JSON")]
    write_episode(tmp_path, Episode("t", 0, [bad_call, [shell("ls", out("x"))], [EDIT], "Done."]))
    result = export_run(tmp_path, filters=FilterConfig(max_malformed_share=0.5))
    row = rows(tmp_path / "export" / "sft.openai.jsonl")[0]
    assert [m["weight"] for m in row["messages"] if m["role"] == "assistant"] == [0, 1, 1, 1]
    assert result.rows["sft.hf.jsonl"] == result.rows["sft.sharegpt.jsonl"] == result.rows["sft.text.jsonl"] == 0
    assert sum("not written to" in w for w in result.warnings) == 3
    validate_export_dir(tmp_path / "export")


def test_stopped_and_incomplete_episodes_are_never_exported(tmp_path):
    write_episode(tmp_path, Episode("t", 0, [[shell("ls", out("x"))]], status="budget"))
    write_episode(tmp_path, Episode("u", 0, [[shell("ls", out("x"))], "Done."], complete=False))
    write_episode(tmp_path, Episode("v", 0, [[shell("ls", out("x"))], "Done."]))
    result = export_run(tmp_path)
    assert result.rows["sft.openai.jsonl"] == 1
    assert {m["episode_id"] for m in rows(tmp_path / "export" / "meta.jsonl")} == {"v.a0.s0"}


def test_bad_input_skips_the_episode_and_exports_the_rest(tmp_path, capsys, cli):
    varied_run(tmp_path, tasks=3)
    assert cli(["filter", str(tmp_path)]) == 0
    broken = trace_path(tmp_path, Episode("task01", 0, []))
    broken.write_bytes(broken.read_bytes().replace(b'"type":"model"', b'"type":"modle"', 1))
    capsys.readouterr()
    assert cli(["export", str(tmp_path), "--format", "openai", "hf"]) == 0
    captured = capsys.readouterr()
    warnings = captured.err.strip().splitlines()
    assert any("task01.a0.s0.jsonl: line 2" in w and "skipped" in w for w in warnings), warnings
    assert all(w.startswith("warning: ") for w in warnings)
    assert validate_export_dir(tmp_path / "export") == {"sft.openai.jsonl": 2, "sft.hf.jsonl": 2}
    assert not (tmp_path / "export" / "sft.text.jsonl").exists()
    assert cli(["export", str(tmp_path / "missing")]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    with pytest.raises(ConfigError):
        export_run(tmp_path / "missing")


def test_memory_stays_flat_in_the_number_of_traces(tmp_path):
    import random

    def peak(n: int) -> int:
        run = tmp_path / f"run{n}"
        rng = random.Random(n)
        for i in range(n):
            write_episode(run, random_episode(rng, f"task{i}", 0, steps=8, output_bytes=20_000))
        tracemalloc.start()
        export_run(run, filters=FilterConfig())
        size = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return size

    small, large = peak(10), peak(120)
    print(f"peak bytes: 10 traces {small}, 120 traces {large}")
    assert large < small * 1.5, (small, large)
