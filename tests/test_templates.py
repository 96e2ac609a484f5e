"""HF rows under the real Qwen2.5, Qwen3 and Llama 3.1 chat templates (shipped in the trl wheel), offline.

The wheel is fetched once with `pip download trl --no-deps` into ~/.cache/harvester/trl and read as a zip;
transformers renders the templates without any model or tokenizer download.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from jinja2.exceptions import TemplateError
from transformers.utils.chat_template_utils import render_jinja_template

from harvester.export.driver import ExportConfig, export_run
from harvester.export.synthetic import Episode, shell, write_episode
from test_export import EDIT, PLAN, out, varied_run

CACHE = Path.home() / ".cache" / "harvester" / "trl"
TEMPLATES = ("qwen2_5", "qwen2_5_training", "qwen3", "qwen3_training", "llama3_1")


@pytest.fixture(scope="session")
def templates() -> dict[str, str]:
    CACHE.mkdir(parents=True, exist_ok=True)
    if not list(CACHE.glob("trl-*.whl")):
        done = subprocess.run([sys.executable, "-m", "pip", "download", "trl", "--no-deps", "-d", str(CACHE)],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"cannot download the trl wheel (needed for its chat templates): {done.stderr}"
    wheel = sorted(CACHE.glob("trl-*.whl"))[-1]
    with zipfile.ZipFile(wheel) as z:
        return {name: z.read(f"trl/chat_templates/{name}.jinja").decode() for name in TEMPLATES}


@pytest.fixture(scope="module")
def hf_rows(tmp_path_factory) -> list[dict]:
    """Rows with parallel calls, reasoning and unicode, and rows with one call per reply."""
    run = tmp_path_factory.mktemp("run")
    varied_run(run, tasks=4)
    single = [[shell("python -m pytest -q", out("FAILED"))], [PLAN], [EDIT], "Fixed it."]
    for n in range(3):
        write_episode(run, Episode(f"single{n}", 0, single, reasoning="Look at the test" if n else None))
    export_run(run, ExportConfig(formats=("hf",)))
    return [json.loads(line) for line in (run / "export" / "sft.hf.jsonl").read_text().splitlines()]


def render(template: str, row: dict, spans: bool = False) -> tuple[str, list[tuple[int, int]]]:
    rendered, indices = render_jinja_template([row["messages"]], tools=row["tools"], chat_template=template,
                                              return_assistant_tokens_mask=spans, bos_token="<|begin_of_text|>")
    return rendered[0], (indices[0] if spans else [])


def calls(row: dict) -> list[dict]:
    return [c["function"] for m in row["messages"] for c in m.get("tool_calls", [])]


def parallel(row: dict) -> bool:
    return any(len(m.get("tool_calls", [])) > 1 for m in row["messages"])


@pytest.mark.parametrize("name", ["qwen2_5", "qwen3", "llama3_1"])
def test_rows_render_without_double_encoded_arguments(templates, hf_rows, name):
    rendered_rows = 0
    for row in hf_rows:
        if name == "llama3_1" and parallel(row):
            with pytest.raises(TemplateError, match="only supports single tool-calls"):
                render(templates[name], row)
            continue
        text, _ = render(templates[name], row)
        rendered_rows += 1
        assert '"arguments": "' not in text and '"parameters": "' not in text
        for call in calls(row):
            assert json.dumps(call["arguments"], ensure_ascii=False) in text
        for m in row["messages"]:
            if m["role"] == "tool":
                shown = json.dumps(m["content"], ensure_ascii=False) if name == "llama3_1" else m["content"]
                assert shown in text
        assert row["messages"][-1]["content"] in text
    assert rendered_rows == (3 if name == "llama3_1" else 7)


def test_qwen3_shows_the_recorded_reasoning(templates, hf_rows):
    with_reasoning = [row for row in hf_rows if any("reasoning_content" in m for m in row["messages"])]
    assert len(with_reasoning) == 4
    for row in with_reasoning:
        text, _ = render(templates["qwen3"], row)
        for m in row["messages"]:
            if "reasoning_content" in m:
                assert f"<think>\n{m['reasoning_content']}\n</think>" in text


@pytest.mark.parametrize("name", ["qwen2_5_training", "qwen3_training"])
def test_tool_output_is_outside_the_assistant_spans(templates, hf_rows, name):
    for row in hf_rows:
        text, spans = render(templates[name], row, spans=True)
        assert spans, "the training template marks no assistant span"
        inside = lambda start, end: any(a <= start and end <= b for a, b in spans)  # noqa: E731
        cursor = 0
        for m in row["messages"][2:]:
            pieces = [m["content"]] if m.get("content") else []
            pieces += [json.dumps(c["function"]["arguments"], ensure_ascii=False) for c in m.get("tool_calls", [])]
            for piece in pieces:
                start = text.index(piece, cursor)
                cursor = start + len(piece)
                overlaps = any(a < cursor and start < b for a, b in spans)
                if m["role"] == "tool":
                    assert not overlaps, f"tool output inside an assistant span: {piece[:60]!r}"
                else:
                    assert inside(start, cursor), f"assistant text outside the spans: {piece[:60]!r}"
        assert text[spans[-1][0]:spans[-1][1]].rstrip().endswith("<|im_end|>")
