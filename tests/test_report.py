"""Summary, report and compare over hand-written run directories; the report in headless Chromium; one real episode."""

from __future__ import annotations

import base64
import fcntl
import itertools
import os
import re
import select
import shutil
import subprocess
from pathlib import Path

import orjson
import pytest

from harvester.cli import main as cli
from harvester.compare import compare, format_comparison
from harvester.records import (DropsReport, EndEvent, FunctionCall, Label, Message, ModelEvent, StartEvent, ToolCall,
                               ToolEvent, Usage)
from harvester.report import ReportLimits, write_report
from harvester.summary import format_table, pass_at_k, summarize, write_summary
from harvester.trace import TraceWriter

ARTIFACTS = Path(__file__).parent / "artifacts"
PYTEST = ("shell", {"command": ["bash", "-lc", "python3 -m pytest -q"], "workdir": "/repo"},
          "Exit code: 1\nWall time: 0.4 seconds\nOutput:\nFAILED tests/test_ops.py::test_add\n1 failed", 1)
FIX = "*** Begin Patch\n*** Update File: calc/ops.py\n@@\n-    return a - b\n+    return a + b\n*** End Patch"
DIFF = "diff --git a/calc/ops.py b/calc/ops.py\n--- a/calc/ops.py\n+++ b/calc/ops.py\n@@ -1,2 +1,2 @@\n def add(a, b):\n-    return a - b\n+    return a + b\n"
RICH = [  # (assistant text, reasoning, [(tool, arguments, output, exit code)]); the last turn ends the episode
    ("Let me run the tests first.", "The failure is probably in add().",
     [(*PYTEST[:2], PYTEST[2] + "\n</script><script>window.pwned=1</script><!--", 1)]),
    ("add() subtracts; fixing it.", None,
     [("apply_patch", {"input": FIX}, "Success. Updated the following files:\nM calc/ops.py\n", 0),
      ("shel", "{not json", "error: unknown tool 'shel'; use shell, apply_patch or update_plan", None)]),
    (None, None, [(PYTEST[0], PYTEST[1], "Exit code: 0\nOutput:\nHEAD-MARK" + "x" * 50_000 + "TAIL-MARK", 0)]),
    ("Fixed add(): it now returns a + b.", None, []),
]
RUN_A = {"alpha": [("resolved", 4), ("unresolved", 2), ("unresolved", 1)],
         "beta": [("unresolved", 2), ("infra_error", 1), ("incomplete", 1)],
         "gamma": [("resolved", 2)] * 3}
RUN_B = {"alpha": [("resolved", 2)] * 3, "beta": [("resolved", 2), ("unresolved", 2), ("resolved", 2)],
         "gamma": [("resolved", 2), ("unresolved", 2), ("resolved", 2)], "delta": [("resolved", 2)]}


def generic_turns(steps: int) -> list:
    return [(f"Step {s}: running the tests.", None, [PYTEST]) for s in range(1, steps)] + [("Done.", None, [])]


def write_trace(path: Path, eid: str, task: str, attempt: int, ts: float, turns: list, end: EndEvent | None) -> None:
    messages = [Message(role="system", content="You are a coding agent."),
                Message(role="user", content=f"Resolve the issue in {task}: add(2, 3) returns -1 <b>not bold</b>")]
    with TraceWriter(path) as w:
        w.write(StartEvent(ts=ts, episode_id=eid, run="r", task_id=task, task_hash="0" * 16, attempt=attempt, seed=attempt,
                           harvester_version="0.1.0", git_revision=None, image="img", image_id="sha256:x", policy="scripted",
                           model="m1", endpoint_host=None, sampling={}, budget={}, tools=[], messages=messages))
        for step, (text, reasoning, calls) in enumerate(turns, 1):
            ids = [f"call_{step}_{n}" for n in range(len(calls))]
            tool_calls = [ToolCall(id=i, function=FunctionCall(name=c[0], arguments=c[1] if isinstance(c[1], str)
                                                               else orjson.dumps(c[1]).decode())) for i, c in zip(ids, calls)]
            w.write(ModelEvent(ts=ts + step, step=step, appended=[], request_len=2 * step, reasoning=reasoning,
                               response=Message(role="assistant", content=text, tool_calls=tool_calls or None),
                               usage=Usage(prompt_tokens=100, completion_tokens=20, total_tokens=120), latency_s=0.5))
            for i, (name, args, output, code) in zip(ids, calls):
                w.write(ToolEvent(ts=ts + step, step=step, call_id=i, name=name, arguments=tool_calls[ids.index(i)].function.arguments,
                                  output=output, exit_code=code, output_bytes=len(output), duration_s=0.25,
                                  error="unknown tool" if name == "shel" else None))
        if end is not None:
            w.write(end)


def build_run(run_dir: Path, spec: dict, prices: dict | None = None) -> dict[str, str]:
    """A run directory with traces, labels, drops and an export; returns {task: id of its first episode}."""
    run_dir.mkdir(parents=True)
    (run_dir / "config.json").write_bytes(orjson.dumps({"name": run_dir.name, "policy": "scripted", "model": "m1",
                                                        "attempts": 3, "prices": prices}))
    labels, first, counter = [], {}, itertools.count()
    for task, episodes in spec.items():
        for attempt, (outcome, steps) in enumerate(episodes):
            eid, ts = f"{task}.a{attempt}", 1000.0 + 100 * next(counter)
            first.setdefault(task, eid)
            turns = RICH if (task, attempt, steps) == ("alpha", 0, 4) else generic_turns(steps)
            if outcome in ("infra_error", "incomplete"):
                turns = [("Running the tests.", None, [PYTEST])]
            infra = outcome == "infra_error"
            end = None if outcome == "incomplete" else EndEvent(
                ts=ts + 10 + steps, status="error" if infra else "finished", infra_error=infra, diff=DIFF,
                reason="sandbox: container died" if infra else "no_tool_calls", steps=steps, wall_s=10.0 + steps,
                usage=Usage(prompt_tokens=100 * steps, completion_tokens=20 * steps, total_tokens=120 * steps),
                model_s=0.5 * steps, tool_s=0.25 * steps)
            write_trace(run_dir / "traces" / task / f"{eid}.jsonl", eid, task, attempt, ts, turns, end)
            if end is not None:
                ok = outcome == "resolved"
                labels.append(Label(episode_id=eid, task_id=task, trace=f"traces/{task}/{eid}.jsonl", resolved=ok,
                                    outcome=outcome, tamper=[] if ok else ["edited_tests"], runs=[ok],
                                    tests={"tests/test_ops.py::test_add": "passed" if ok else "failed"},
                                    fail_to_pass=(int(ok), 1), pass_to_pass=(2, 2), graded_patch=DIFF,
                                    excluded_paths=[], infra_reason="container died" if infra else None, grade_s=1.5))
    lines = [orjson.dumps(label.model_dump(mode="json")) for label in labels]
    (run_dir / "labels.jsonl").write_bytes(b"\n".join(lines[:1] + [b"{not a label"] + lines[1:]) + b"\n")
    (run_dir / "traces" / "broken").mkdir()
    (run_dir / "traces" / "broken" / "x.jsonl").write_bytes(b'{"type": "model"}\n')
    drops = DropsReport(total=9, kept=3, negatives=0, by_reason={"unresolved": 3, "infra_error": 1, "tamper": 2},
                        by_task={}, lengths={}, warnings=[])
    (run_dir / "drops.json").write_bytes(orjson.dumps(drops.model_dump(mode="json")))
    (run_dir / "export").mkdir()
    (run_dir / "export" / "sft.openai.jsonl").write_text('{"messages": []}\n' * 3)
    return first


@pytest.fixture
def run_a(tmp_path) -> Path:
    build_run(tmp_path / "run-a", RUN_A, prices={"input_per_mtok": 2.0, "output_per_mtok": 8.0})
    return tmp_path / "run-a"


def test_pass_at_k_matches_counting_subsets():
    for n, c, k in [(4, 1, 2), (5, 2, 3), (10, 3, 1), (10, 0, 4), (6, 6, 2), (7, 3, 7)]:
        subsets = list(itertools.combinations([True] * c + [False] * (n - c), k))
        assert pass_at_k(n, c, k) == pytest.approx(sum(any(s) for s in subsets) / len(subsets))
    assert pass_at_k(4, 1, 2) == pytest.approx(0.5) and pass_at_k(5, 2, 3) == pytest.approx(0.9)
    with pytest.raises(ValueError):
        pass_at_k(2, 1, 3)


def test_summary_figures(run_a):
    s = write_summary(run_a)
    assert orjson.loads((run_a / "summary.json").read_bytes()) == s.model_dump(mode="json")
    alpha, beta, gamma = s.tasks["alpha"], s.tasks["beta"], s.tasks["gamma"]
    assert (alpha.attempts, alpha.complete, alpha.graded, alpha.resolved, alpha.k) == (3, 3, 3, 1, 3)
    assert alpha.pass_at_1 == pytest.approx(1 / 3) and alpha.pass_at_k == 1.0
    assert alpha.mean_steps == pytest.approx(7 / 3) and alpha.mean_wall_s == pytest.approx(37 / 3)
    assert (alpha.prompt_tokens, alpha.completion_tokens, alpha.outcomes) == (700, 140, {"resolved": 1, "unresolved": 2})
    # Infrastructure errors and incomplete episodes are not samples of the model: n=1, so k is capped at 1.
    assert (beta.attempts, beta.complete, beta.graded, beta.resolved, beta.k, beta.pass_at_1, beta.pass_at_k) == (3, 2, 1, 0, 1, 0.0, 0.0)
    assert beta.outcomes == {"incomplete": 1, "infra_error": 1, "unresolved": 1} and beta.infra_reasons == {"container died": 1}
    assert (beta.prompt_tokens, beta.mean_steps, beta.mean_wall_s) == (400, 1.5, 11.5)
    assert (gamma.graded, gamma.resolved, gamma.pass_at_1, gamma.pass_at_k) == (3, 3, 1.0, 1.0)
    assert (s.episodes, s.complete, s.graded, s.resolved, s.exported, s.kept, s.infra_errors) == (9, 8, 7, 4, 3, 3, 1)
    assert s.pass_at_1 == pytest.approx(4 / 9) and s.pass_at_k == pytest.approx(2 / 3)
    assert (s.prompt_tokens, s.completion_tokens) == (1700, 340) and s.cost == pytest.approx(0.00612)
    assert s.span_s == pytest.approx(812.0) and s.episode_wall_s == pytest.approx(8 * 10 + 16)
    assert s.drops == {"unresolved": 3, "infra_error": 1, "tamper": 2} and (s.run, s.model, s.k) == ("run-a", "m1", 3)
    assert len(s.warnings) == 2 and "broken/x.jsonl: line 1" in s.warnings[0] and "labels.jsonl: line 2" in s.warnings[1]


def test_table(run_a):
    table = format_table(summarize(run_a))
    rows = {line.split()[0]: line.split()[1:] for line in table.splitlines() if line.split()}
    assert rows["alpha"] == ["3", "3", "1", "0.33", "1.00", "2.3", "700", "140", "12.3", "0"]
    assert rows["beta"] == ["3", "1", "0", "0.00", "0.00", "1.5", "400", "80", "11.5", "1"]
    assert rows["TOTAL"] == ["9", "7", "4", "0.44", "0.67", "-", "1700", "340", "-", "1"]
    assert "exported 3" in table and "cost $0.0061" in table
    assert "drops: unresolved 3, tamper 2, infra_error 1" in table
    assert "infra error: beta: 1x container died" in table


def test_compare(tmp_path, run_a, capsys):
    build_run(tmp_path / "run-b", RUN_B)
    text = format_comparison(compare(run_a, tmp_path / "run-b"))
    rows = {line.split()[0]: line.split()[1:] for line in text.splitlines()[2:] if line.split()}
    assert rows["alpha"] == ["1/3", "0.33", "3/3", "1.00", "+0.67"]
    assert rows["beta"] == ["0/1", "0.00", "2/3", "0.67", "+0.67"]
    assert rows["gamma"] == ["3/3", "1.00", "2/3", "0.67", "-0.33"]
    assert rows["delta"] == ["-", "1/1", "1.00", "only", "in", "B"]
    assert rows["mean"][-3:] == ["0.44", "0.78", "+0.33"] and rows["all"][-5:] == ["4/7", "0.57", "8/10", "0.80", "+0.23"]
    assert "improved 2, regressed 1, unchanged 0" in text
    assert cli(["compare", str(run_a), str(tmp_path / "run-b")]) == 0 and capsys.readouterr().out == text + "\n"
    (tmp_path / "ungraded").mkdir()
    for missing in (tmp_path / "nope", tmp_path / "ungraded"):
        assert cli(["compare", str(run_a), str(missing)]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and str(missing) in err and ("not found" in err or "no labels" in err)


def page_data(page: str) -> dict:
    return orjson.loads(re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S)[1])


def test_report_page(run_a, tmp_path, capsys):
    assert cli(["report", str(tmp_path / "nope")]) == 2 and "run directory not found" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert page_data(write_report(tmp_path / "empty").read_text())["episodes"] == []
    assert cli(["report", str(run_a)]) == 0 and "report: " in capsys.readouterr().out
    page = (run_a / "report.html").read_text()
    assert page.count("</script>") == 2 and not re.search(r"(src|href)=|@import|url\(|https?://", page.split("report-data")[0])
    data = page_data(page)
    rich = next(e for e in data["episodes"] if e["id"] == "alpha.a0")
    assert [t["step"] for t in rich["turns"]] == [1, 2, 3, 4] and rich["turns"][0]["reasoning"]
    first, (patch, bad) = rich["turns"][0]["calls"][0], rich["turns"][1]["calls"]
    assert first["arguments"] == "bash -lc python3 -m pytest -q\n  [workdir: /repo]" and first["exit_code"] == 1
    assert first["output"].endswith("</script><script>window.pwned=1</script><!--")  # intact once parsed back
    assert patch["arguments"] == FIX and bad["error"] == "unknown tool" and bad["arguments"] == "{not json"
    big = rich["turns"][2]["calls"][0]["output"]
    assert big.startswith("Exit code: 0") and big.endswith("TAIL-MARK") and "characters elided" in big and len(big) < 7000
    assert rich["diff"] == DIFF and rich["label"]["tests"] == {"tests/test_ops.py::test_add": "passed"}
    assert {e["id"]: e["outcome"] for e in data["episodes"]}["beta.a2"] == "incomplete"
    small = page_data(write_report(run_a, ReportLimits(max_bytes=15_000)).read_text())  # halves limits until it fits
    shrunk = next(e for e in small["episodes"] if e["id"] == "alpha.a0")["turns"][2]["calls"][0]["output"]
    assert len(orjson.dumps(small)) <= 15_000 and shrunk.endswith("TAIL-MARK") and len(shrunk) < len(big) // 2


@pytest.fixture(scope="session")
def chromium() -> str:
    exe = shutil.which("chromium")
    if exe is None:
        for argv in (["apt-get", "install", "-y", "chromium"], ["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
            subprocess.run(argv, capture_output=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
            if shutil.which("chromium"):
                break
        exe = shutil.which("chromium")
    if exe is None:
        pytest.fail("the browser test needs Debian's chromium: `apt-get install -y chromium` did not provide it")
    return exe


BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1400,1300"]


def test_browser_opens_episode_from_link(chromium, tmp_path, run_a):
    url = write_report(run_a).as_uri() + "#episode=alpha.a0"
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report-link.png"
    dom = subprocess.run([chromium, *BROWSER_FLAGS, f"--user-data-dir={tmp_path / 'p1'}", "--dump-dom", url],
                         capture_output=True, text=True, timeout=120).stdout
    assert re.search(r'<tr[^>]*data-task="gamma"', dom) and "<td>alpha</td>" in dom
    pane = dom.split('<div id="episode">')[1].split('id="report-data"')[0]
    steps = pane.split('id="steps"')[1]
    assert steps.count('class="step"') == 4 and "Fixed add(): it now returns a + b." in steps
    assert "&lt;/script&gt;&lt;script&gt;window.pwned=1" in steps and "window.pwned=1</script>" not in dom
    assert "unknown tool" in steps and "exit 1" in steps and "tests/test_ops.py::test_add" in pane
    assert "edited_tests" not in pane and "tamper: none" in pane and "[object" not in dom
    assert re.search(r'<td>beta</td>.*?<span class="badge infra_error">infra_error 1</span>', dom)
    subprocess.run([chromium, *BROWSER_FLAGS, f"--user-data-dir={tmp_path / 'p2'}", f"--screenshot={shot}", url],
                   capture_output=True, timeout=120)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


class Browser:
    """Headless Chromium over the DevTools protocol on a pipe (fd 3 in, fd 4 out, NUL-separated JSON)."""

    def __init__(self, exe: str, profile: Path) -> None:
        to_child, self._w = os.pipe()
        self._r, from_child = os.pipe()
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_child, from_child)]
        self.proc = subprocess.Popen([exe, *BROWSER_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe"],
                                     preexec_fn=lambda: (os.dup2(high[0], 3), os.dup2(high[1], 4)), close_fds=False,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for fd in (to_child, from_child, *high):
            os.close(fd)
        self._ids, self._buf, self.events, self.session = itertools.count(1), b"", [], None
        page = next(t for t in self.send("Target.getTargets")["targetInfos"] if t["type"] == "page")
        self.session = self.send("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]

    def send(self, method: str, **params) -> dict:
        mid = next(self._ids)
        os.write(self._w, orjson.dumps({"id": mid, "method": method, "params": params, **(
            {"sessionId": self.session} if self.session else {})}) + b"\0")
        while True:
            message = self._next()
            if message.get("id") == mid:
                assert "error" not in message, message
                return message["result"]
            self.events.append(message.get("method"))

    def _next(self, timeout: float = 60.0) -> dict:
        while b"\0" not in self._buf:
            ready, _, _ = select.select([self._r], [], [], timeout)
            assert ready, "chromium did not answer over the DevTools pipe"
            self._buf += os.read(self._r, 1 << 20)
        raw, self._buf = self._buf.split(b"\0", 1)
        return orjson.loads(raw)

    def js(self, expression: str):
        return self.send("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")

    def click(self, selector: str) -> None:
        x, y = self.js(f"(() => {{ const e = document.querySelector({orjson.dumps(selector).decode()}); e.scrollIntoView();"
                       " const r = e.getBoundingClientRect(); return [r.x + 20, r.y + r.height / 2]; })()")
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()
        os.close(self._w)
        os.close(self._r)


def test_browser_clicks_through_the_report(chromium, tmp_path, run_a):
    browser = Browser(chromium, tmp_path / "profile")
    try:
        browser.send("Page.enable")
        browser.send("Page.navigate", url=write_report(run_a).as_uri())
        while "Page.loadEventFired" not in browser.events:
            browser.events.append(browser._next().get("method"))
        assert browser.js("document.querySelectorAll('#tasks tbody tr[data-task]').length") == 3
        assert browser.js("document.querySelectorAll('#episodes tbody tr').length") == 9
        browser.click('#tasks tr[data-task="alpha"]')  # a task row filters the episode list
        assert browser.js("[...document.querySelectorAll('#episodes tbody tr')].map(r => r.dataset.episode)") == [
            "alpha.a0", "alpha.a1", "alpha.a2"]
        browser.click('#episodes tr[data-episode="alpha.a0"]')
        assert browser.js("location.hash") == "#task=alpha&episode=alpha.a0"
        assert browser.js("document.querySelectorAll('#steps .step').length") == 4
        assert "Fixed add(): it now returns a + b." in browser.js("document.getElementById('steps').innerText")
        assert "window.pwned" not in browser.js("Object.keys(window).join(' ')")
        browser.js("const s = document.getElementById('filter-outcome'); s.value = 'unresolved'; s.dispatchEvent(new Event('change'))")
        assert browser.js("[...document.querySelectorAll('#episodes tbody tr')].map(r => r.dataset.episode)") == ["alpha.a1", "alpha.a2"]
        browser.click('#episodes tr[data-episode="alpha.a1"]')
        assert browser.js("document.querySelector('#episode h2').innerText").startswith("alpha · attempt 1")
        browser.click('#episodes tr[data-episode="alpha.a2"]')
        browser.js("window.scrollTo(0, 0)")
        ARTIFACTS.mkdir(exist_ok=True)
        png = base64.b64decode(browser.send("Page.captureScreenshot", format="png")["data"])
        (ARTIFACTS / "report-click.png").write_bytes(png)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        browser.close()


def test_report_of_a_real_episode(base_image, tmp_path):
    from harvester.loop import EpisodeContext, LoopConfig, run_episode
    from harvester.policies.scripted import ScriptedPolicy
    from sandbox import Sandbox

    src = tmp_path / "src"
    (src / "calc").mkdir(parents=True)
    (src / "calc" / "__init__.py").write_text("")
    (src / "calc" / "ops.py").write_text("def add(a, b):\n    return a - b\n")
    (src / "test_ops.py").write_text("from calc.ops import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n")
    run = [("shell", {"command": ["python3", "-m", "pytest", "-q"], "workdir": "/repo"})]
    policy = ScriptedPolicy([run, [("apply_patch", {"input": FIX})], run], final="Fixed add().")
    ctx = EpisodeContext(episode_id="calc.a0", run="test-report", task_id="calc", task_hash="0" * 16, image=base_image,
                         image_id="sha256:x", statement="add(2, 3) returns -1", test_command="python3 -m pytest -q")
    run_dir = tmp_path / "real"
    with Sandbox.start(base_image, labels={"harvester.run": "test-report", "harvester.episode": "calc.a0"}) as sb:
        sb.copy_repo(src, "/repo")
        with TraceWriter(run_dir / "traces" / "calc" / "calc.a0.jsonl") as writer:
            end = run_episode(ctx, policy, sb, writer, LoopConfig())
    assert (end.status, end.steps) == ("finished", 4), end.reason
    label = Label(episode_id="calc.a0", task_id="calc", trace="traces/calc/calc.a0.jsonl", resolved=True, outcome="resolved",
                  tamper=[], tests={"test_ops.py::test_add": "passed"}, fail_to_pass=(1, 1), pass_to_pass=(0, 0),
                  graded_patch=end.diff, excluded_paths=[], runs=[True], grade_s=1.0)
    (run_dir / "labels.jsonl").write_bytes(orjson.dumps(label.model_dump(mode="json")) + b"\n")
    s = write_summary(run_dir)
    assert (s.episodes, s.resolved, s.tasks["calc"].mean_steps, s.exported, s.kept, s.cost) == (1, 1, 4.0, 0, None, None)
    assert s.prompt_tokens == end.usage.prompt_tokens > 0 and s.warnings == []
    turns = page_data(write_report(run_dir).read_text())["episodes"][0]["turns"]
    calls = [c for t in turns for c in t["calls"]]
    assert [c["exit_code"] for c in calls] == [1, 0, 0] and calls[0]["arguments"] == "python3 -m pytest -q\n  [workdir: /repo]"
    assert calls[0]["output"].startswith("Exit code: 1\nWall time: ") and "1 passed" in calls[2]["output"]
    assert turns[-1]["content"] == "Fixed add()." and "+    return a + b" in end.diff
