"""report.html: one self-contained static page (summary, per-task table, trajectory viewer) for a run.

The page needs no network and no build step: CSS and JS are inlined from harvester/templates/ and the
data is embedded as JSON in a <script type="application/json"> tag. Long texts are clipped (head and
tail kept) so that large runs stay usable.
"""

from __future__ import annotations

import html
import re
import shlex
import time
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

import orjson

from harvester.atomic import write_atomic
from harvester.records import Label, ModelEvent, ToolEvent
from harvester.summary import Episode, RunData, load_run, summarize_data

_SLOT = re.compile(r"\{\{(TITLE|STYLE|SCRIPT|DATA)\}\}")
_SCRIPT_UNSAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


@dataclass(frozen=True)
class ReportLimits:
    """How much text of each kind the page embeds; halved until the data fits `max_bytes`."""

    text: int = 6000
    diff: int = 30000
    max_bytes: int = 40_000_000
    min_text: int = 400


def write_report(run_dir: Path, limits: ReportLimits = ReportLimits()) -> Path:
    """Write run_dir/report.html (replaced atomically) and return its path."""
    run = load_run(run_dir)
    summary = summarize_data(run)
    data = _data(summary.model_dump(mode="json"), run, limits)
    while len(data) > limits.max_bytes and limits.text > limits.min_text:
        limits = replace(limits, text=limits.text // 2, diff=limits.diff // 2)
        data = _data(summary.model_dump(mode="json"), run, limits)
    page = render_page(f"harvester report: {summary.run}", data)
    out = run_dir / "report.html"
    write_atomic(out, page.encode("utf-8"))
    return out


def render_page(title: str, data_json: str) -> str:
    """Fill the template; the JSON is made safe to sit inside a <script> element."""
    folder = resources.files("harvester") / "templates"
    slots = {"TITLE": html.escape(title), "STYLE": (folder / "report.css").read_text(encoding="utf-8"),
             "SCRIPT": (folder / "report.js").read_text(encoding="utf-8"),
             "DATA": data_json.translate(_SCRIPT_UNSAFE)}
    # One pass, so text inside the data can never be taken for a slot.
    return _SLOT.sub(lambda m: slots[m.group(1)], (folder / "report.html").read_text(encoding="utf-8"))


def clip(text: str | None, limit: int) -> str | None:
    """Keep the head and tail of a long text, saying how much was left out."""
    if text is None or len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}\n… [{len(text) - 2 * half:,} characters elided] …\n{text[-half:]}"


def _data(summary: dict[str, Any], run: RunData, limits: ReportLimits) -> str:
    payload = {"summary": summary, "generated": time.strftime("%Y-%m-%d %H:%M:%S"),
               "system": _system_prompt(run.episodes, limits),
               "episodes": [_episode(e, run.run_dir, limits) for e in run.episodes]}
    return orjson.dumps(payload).decode()


def _system_prompt(episodes: list[Episode], limits: ReportLimits) -> str | None:
    for episode in episodes:
        if episode.trace is not None:
            return clip(next((m.content for m in episode.trace.start.messages if m.role == "system"), None),
                        limits.text)
    return None


def _episode(episode: Episode, run_dir: Path, limits: ReportLimits) -> dict[str, Any]:
    trace, end = episode.trace, episode.trace.end if episode.trace else None
    statement = next((m.content for m in trace.start.messages if m.role == "user"), None) if trace else None
    return {
        "id": episode.episode_id, "task": episode.task_id, "attempt": episode.attempt, "outcome": episode.outcome,
        "resolved": bool(episode.label and episode.label.resolved), "model": trace.start.model if trace else None,
        "trace": _relative(trace.path, run_dir) if trace else None,
        "status": end.status if end else None, "reason": end.reason if end else None,
        "steps": end.steps if end else len(trace.model_events) if trace else 0,
        "tokens": episode.usage.total_tokens, "wall_s": end.wall_s if end else None,
        "model_s": end.model_s if end else None, "tool_s": end.tool_s if end else None,
        "statement": clip(statement, limits.text), "diff": clip(end.diff, limits.diff) if end else None,
        "turns": _turns(trace.events, limits) if trace else [], "label": _label(episode.label),
    }


def _turns(events: list[ModelEvent | ToolEvent], limits: ReportLimits) -> list[dict[str, Any]]:
    turns: list[dict[str, Any]] = []
    for event in events:
        if isinstance(event, ModelEvent):
            calls = event.response.tool_calls or []
            turns.append({
                "step": event.step, "content": clip(event.response.content, limits.text),
                "reasoning": clip(event.reasoning, limits.text), "latency_s": event.latency_s,
                "tokens": [event.usage.prompt_tokens, event.usage.completion_tokens],
                "finish_reason": event.finish_reason, "retries": event.retries,
                "calls": [{"id": c.id, "name": c.function.name,
                           "arguments": clip(show_arguments(c.function.name, c.function.arguments), limits.text)}
                          for c in calls]})
        elif turns:
            _attach(turns[-1], event, limits)
    return turns


def _attach(turn: dict[str, Any], event: ToolEvent, limits: ReportLimits) -> None:
    result = {"output": clip(event.output, limits.text), "exit_code": event.exit_code, "timed_out": event.timed_out,
              "output_bytes": event.output_bytes, "duration_s": event.duration_s, "error": event.error}
    call = next((c for c in turn["calls"] if c["id"] == event.call_id and "output" not in c), None)
    if call is None:  # a result whose call the response does not list: show it on its own
        call = {"id": event.call_id, "name": event.name,
                "arguments": clip(show_arguments(event.name, event.arguments), limits.text)}
        turn["calls"].append(call)
    call.update(result)


def show_arguments(name: str, raw: str) -> str:
    """Tool arguments as a person reads them: a shell line, a patch text, or indented JSON."""
    try:
        args = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return raw
    if not isinstance(args, dict):
        return raw
    if name == "shell" and isinstance(args.get("command"), list) and all(isinstance(a, str) for a in args["command"]):
        command = args["command"]
        script = len(command) == 3 and command[:2] in (["bash", "-lc"], ["bash", "-c"])
        line = f"{command[0]} {command[1]} {command[2]}" if script else shlex.join(command)
        extra = {k: v for k, v in args.items() if k != "command"}
        return line + "".join(f"\n  [{k}: {v}]" for k, v in extra.items())
    if name == "apply_patch" and isinstance(args.get("input"), str) and len(args) == 1:
        return args["input"]
    return orjson.dumps(args, option=orjson.OPT_INDENT_2).decode()


def _label(label: Label | None) -> dict[str, Any] | None:
    if label is None:
        return None
    return {"outcome": label.outcome, "resolved": label.resolved, "tamper": label.tamper, "tests": label.tests,
            "fail_to_pass": list(label.fail_to_pass), "pass_to_pass": list(label.pass_to_pass),
            "excluded_paths": label.excluded_paths, "runs": label.runs, "infra_reason": label.infra_reason,
            "grade_s": label.grade_s}


def _relative(path: Path, run_dir: Path) -> str:
    try:
        return str(path.relative_to(run_dir))
    except ValueError:
        return str(path)
