"""Seeding synthetic-bug tasks: modifiers and minimal rewrites, test hiding, statements, then real seeding runs
in Docker on tests/seed_project, validated with validate_task, and the one-line errors for bad repositories."""

from __future__ import annotations

import ast
import random
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from harvester import cli
from harvester.images import task_image
from harvester.seed.candidates import file_candidates, generate, git_diff, merge, units
from harvester.seed.modifiers import MODIFIERS
from harvester.seed.pipeline import SeedConfig, seed_repo
from harvester.seed.project import SeedError, acquire, load_project
from harvester.seed.splice import Rewriter
from harvester.seed.statement import Endpoint, failure_messages, statement
from harvester.seed.teststrip import hide, strip_tests
from harvester.task import discover, hidden_files, read_solution
from harvester.validate import validate_task
from openai_server import ChatServer, final
from sandbox import Sandbox

PROJECT = Path(__file__).parent / "seed_project"
LABEL = "test-seed"
# modifier -> (clean source, one of the buggy sources it must produce, nothing else changed)
CASES = {
    "op-change": ("def f(a, b):\n    # keep me\n    return a + b\n", "def f(a, b):\n    # keep me\n    return a - b\n"),
    "op-flip": ("def f(a, b):\n    return a < b  # strict\n", "def f(a, b):\n    return a >= b  # strict\n"),
    "op-swap": ("def f(a, b):\n    return a - b\n", "def f(a, b):\n    return b - a\n"),
    "const": ("def f(a):\n    return a[1]\n", "def f(a):\n    return a[0]\n"),
    "break-chain": ("def f(a, b, c):\n    return a + b + c\n", "def f(a, b, c):\n    return a + c\n"),
    "rm-assign": ("def f(a):\n    b = a * 2\n    return b\n", "def f(a):\n    return b\n"),
    "rm-if": ("def f(a):\n    if a:\n        a = 1\n    return a\n", "def f(a):\n    return a\n"),
    "rm-loop": ("def f(xs):\n    t = 0\n    for x in xs:\n        t += x\n    return t\n",
                "def f(xs):\n    t = 0\n    return t\n"),
    "rm-wrapper": ("def f(p):\n    try:\n        return open(p).read()\n    except OSError:\n        return ''\n",
                   "def f(p):\n    return open(p).read()\n"),
    "invert-if": ("def f(a):\n    if a:\n        return 1\n    else:\n        return 2\n",
                  "def f(a):\n    if a:\n        return 2\n    else:\n        return 1\n"),
    "shuffle": ("def f(a):\n    b = a\n    c = b\n    return c\n", "def f(a):\n    return c\n    c = b\n    b = a\n"),
    "rm-base": ("class A(B):\n    x = 1\n", "class A:\n    x = 1\n"),
    "rm-method": ("class A:\n    def f(self):\n        return 1\n\n    def g(self):\n        return self.f() + 1\n",
                  "class A:\n    def g(self):\n        return None + 1\n"),
}


@pytest.mark.parametrize("name", sorted(MODIFIERS))
def test_each_modifier_changes_one_site_and_nothing_else(name):
    clean, buggy = CASES[name]
    texts = [c.text for c in file_candidates("m.py", clean, seed=0) if c.modifier == name]
    assert buggy in texts


def test_rewrites_keep_the_rest_of_the_file_byte_for_byte():
    clean = ('"""Doc."""\n\n\ndef f(items, limit):\n    # a comment the unparser would drop\n    total = 0\n'
             "    for item in items:\n        if item['size'] > limit and (item['kind'] == 'x'\n"
             "                                     or item['kind'] == \"y\"):\n            total += 1\n"
             "    return total\n")
    found = list(file_candidates("m.py", clean, seed=0))
    assert len(found) > 10
    for candidate in found:
        changed = [line for line in candidate.diff.splitlines()[4:] if line[:1] in "+-"]
        assert ast.dump(ast.parse(candidate.text)) != ast.dump(ast.parse(clean))
        if candidate.modifier.startswith(("op-", "const")):  # one line out, one line in, quotes kept
            assert len(changed) == 2, candidate.diff
            assert "'" in changed[1] or '"' not in changed[0], candidate.diff
        assert "# a comment the unparser would drop" in candidate.text or candidate.modifier == "shuffle"


def test_every_mutant_of_a_real_module_is_rewritten_exactly():
    text = Path(textwrap.__file__).read_text()
    module = ast.parse(text)
    rewriter, count = Rewriter(text), 0
    for _, unit in units(module):
        holder = module.body if unit in module.body else next(
            top.body for top in module.body if isinstance(top, ast.ClassDef) and unit in top.body)
        for name, modifier in MODIFIERS.items():
            for mutant, _ in modifier(unit, random.Random(name)):
                result = rewriter.rewrite(unit, mutant)
                index = holder.index(unit)
                holder[index] = mutant
                expected = ast.dump(module)
                holder[index] = unit
                assert result is not None and ast.dump(ast.parse(result)) == expected, (name, unit.name)
                count += 1
    assert count > 250


def test_candidates_are_deterministic_deduplicated_and_apply_with_git(tmp_path):
    project = load_project(PROJECT, str(PROJECT))
    first, again, other = (generate(PROJECT, project.sources, seed) for seed in (0, 0, 1))
    assert [c.key for c in first] == [c.key for c in again] != [c.key for c in other]
    assert len({c.key for c in first}) == len(first) and {c.modifier for c in first} >= {"op-change", "rm-method"}
    work = tmp_path / "work"
    shutil.copytree(PROJECT, work)
    subprocess.run(["git", "init", "-q"], cwd=work, check=True)
    for candidate in first[:40]:
        (tmp_path / "c.diff").write_text(candidate.diff)
        subprocess.run(["git", "apply", str(tmp_path / "c.diff")], cwd=work, check=True)
        assert (work / candidate.file).read_text() == candidate.text
        subprocess.run(["git", "apply", "-R", str(tmp_path / "c.diff")], cwd=work, check=True)


def test_git_diffs_apply_with_git_including_missing_final_newlines(tmp_path):
    rng = random.Random(5)
    for _ in range(40):
        old = [rng.choice("abc") for _ in range(rng.randint(1, 12))]
        new = list(old)
        for _ in range(rng.randint(1, 3)):
            where = rng.randrange(len(new) + 1)
            new[where:where + rng.randint(0, 1)] = rng.choice([[], ["x"], ["y", "z"]])
        before = "\n".join(old) + rng.choice(["", "\n"])
        after = "\n".join(new) + rng.choice(["", "\n"])
        if before == after:
            continue
        (tmp_path / "a.txt").write_text(before)
        (tmp_path / "d.diff").write_text(git_diff("a.txt", before, after))
        subprocess.run(["git", "apply", "d.diff"], cwd=tmp_path, check=True)
        assert (tmp_path / "a.txt").read_text() == after


def test_merge_combines_distant_edits_only():
    clean = "".join(f"line{i}\n" for i in range(10))
    a, b, near = clean.replace("line1\n", "A\n"), clean.replace("line7\n", "B\n"), clean.replace("line2\n", "C\n")
    assert merge(clean, a, b) == clean.replace("line1\n", "A\n").replace("line7\n", "B\n")
    assert merge(clean, a, near) is None


def test_hiding_removes_whole_test_functions_and_classes():
    text = ("import pytest\n\n\ndef test_a():\n    pass\n\n\nclass TestB:\n    def test_b(self):\n        pass\n\n"
            "    @pytest.mark.parametrize('x', [1, 2])\n    def test_c(self, x):\n        pass\n\n\n"
            "class TestD:\n    def test_d(self):\n        pass\n")
    stripped, found = strip_tests(text, {("test_a",), ("TestB", "test_b"), ("TestD", "test_d")})
    assert stripped == ("import pytest\n\n\nclass TestB:\n    @pytest.mark.parametrize('x', [1, 2])\n"
                        "    def test_c(self, x):\n        pass\n")
    assert len(found) == 3
    visible, removed = hide({"tests/t.py": text}, ["tests/t.py::TestB::test_c[1]"])
    assert "test_c" not in visible["tests/t.py"] and removed == {("tests/t.py", ("TestB", "test_c"))}
    assert hide({"tests/t.py": text}, ["tests/t.py::test_gone"]) == \
        "cannot hide tests/t.py::test_gone: not defined in that file"


def test_failure_messages_come_from_a_real_junit_report(tmp_path):
    (tmp_path / "test_x.py").write_text("def test_ok():\n    pass\n\n\ndef test_bad():\n    assert 1 + 1 == 3\n\n\n"
                                        "def test_raises():\n    raise KeyError('gone')\n")
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--junitxml=j.xml",
                    "-o", "junit_family=xunit1", "test_x.py"], cwd=tmp_path, capture_output=True)
    ids = ["test_x.py::test_ok", "test_x.py::test_bad", "test_x.py::test_raises"]
    messages = failure_messages((tmp_path / "j.xml").read_bytes(), ids)
    assert "== 3" in messages["test_x.py::test_bad"]
    assert "KeyError" in messages["test_x.py::test_raises"] and "test_x.py::test_ok" not in messages


def test_model_statements_are_used_unless_they_leak_the_fix():
    solution = "@@ -1 +1 @@\n-    return a - b\n+    return a + b\n"
    clean_text = "Adding two prices gives their difference.\n\n```python\nassert add(2, 3) == 5\n```\n"
    with ChatServer([final("It fails. Just write `return a + b`."), final(clean_text)]) as server:
        endpoint = Endpoint(model="m", base_url=server.base_url, api_key="k")
        leaked = statement("calc", ["tests/t.py::test_add"], {}, solution, "", endpoint)
        used = statement("calc", ["tests/t.py::test_add"], {}, solution, "", endpoint)
        assert [r["model"] for r in server.requests] == ["m", "m"]
        assert server.headers[0]["authorization"] == "Bearer k"
    assert leaked[1] == "template" and "return a + b" not in leaked[0] and "tests/t.py::test_add" in leaked[0]
    assert used == (clean_text, "model")


def test_seeded_tasks_validate(tmp_path, docker_client):
    out = tmp_path / "tasks"
    issue = "Stock counts go wrong\n\n```python\nfrom shelf import Shelf\nassert Shelf().count('x') == 0\n```\n"
    script = [final(issue), final(""), final(issue), final(""), final(issue)]  # empty answers: template
    with ChatServer(script) as server:
        config = SeedConfig(repo=str(PROJECT), out=out, count=5, pairs=1, seed=3, label=LABEL, model="m",
                            base_url=server.base_url, api_key_env="HARVESTER_TEST_UNSET_KEY")
        report = seed_repo(config, client=docker_client, log=lambda line: None)
    tasks = discover([out])
    assert len(tasks) == len(report.tasks) == 5 and report.per_minute > 0
    assert report.statements == {"model": 3, "template": 2}
    assert sorted(t.metadata["statement_source"] for t in tasks) == ["model"] * 3 + ["template"] * 2
    assert sum(t.kind == "multi-site" for t in tasks) == 1
    for task in tasks:
        assert task.id.startswith(f"shelf-{task.metadata['modifier']}-") and task.metadata["seed"] == 3
        for path, data in hidden_files(task).items():
            visible = (task.root / "repo" / path).read_text()
            for node_id in task.fail_to_pass:
                name = node_id.split("::")[-1].split("[")[0]
                assert f"def {name}(" in data.decode() and f"def {name}(" not in visible
        assert "+" in read_solution(task)
        assert task.statement == issue if task.metadata["statement_source"] == "model" else "fail" in task.statement
    with Sandbox.start(task_image(docker_client, tasks[0]), labels={"harvester.run": LABEL}) as box:
        visible = box.exec(["python3", "-m", "pytest", "-q", "-p", "no:cacheprovider"], timeout=120)
    assert visible.exit_code == 0, visible.output
    pair = next(t for t in tasks if t.kind == "multi-site")
    for task in [pair, *[t for t in tasks if t is not pair][:2]]:
        verdict = validate_task(task, runs=2, client=docker_client, label=LABEL)
        assert verdict.ok, verdict.details


def _seed_cli(repo: Path | str, tmp_path: Path, capsys) -> tuple[int, str]:
    code = cli.main(["seed", str(repo), "--out", str(tmp_path / "out"), "--count", "1", "--label", LABEL])
    lines = [line for line in capsys.readouterr().err.splitlines() if "error:" in line]
    return code, "\n".join(lines)


def _project(root: Path, files: dict[str, str]) -> Path:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return root


def test_bad_repositories_get_one_line_errors(tmp_path, capsys):
    assert _seed_cli(tmp_path / "nowhere", tmp_path, capsys) == (2, f"harvester seed: error: {tmp_path / 'nowhere'}:"
                                                                    " no such directory")
    docs = _project(tmp_path / "docs", {"README.md": "# notes\n", "src/main.c": "int main(void) { return 0; }\n"})
    assert _seed_cli(docs, tmp_path, capsys) == (2, f"harvester seed: error: {docs}: no Python files"
                                                    " (not a Python project)")


def test_git_urls_are_cloned_without_history(tmp_path):
    origin = tmp_path / "origin"
    shutil.copytree(PROJECT, origin)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@localhost"]
    for step in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "init"]):
        subprocess.run(git + step, cwd=origin, check=True)
    staged = acquire(f"file://{origin}", tmp_path / "work")
    assert (staged / "shelf" / "stock.py").is_file() and not (staged / ".git").exists()
    with pytest.raises(SeedError, match=r"^file:///nowhere/repo.git: git clone failed: .+"):
        acquire("file:///nowhere/repo.git", tmp_path / "other")


def test_repositories_without_passing_tests_are_refused(tmp_path, capsys, docker_client):
    lib = {"calc/__init__.py": "def add(a, b):\n    return a + b\n"}
    untested = _project(tmp_path / "untested", lib)
    code, error = _seed_cli(untested, tmp_path, capsys)
    assert code == 2 and error == f"harvester seed: error: {untested}: pytest collects no tests" \
                                  " (a repo without tests cannot be seeded)"
    broken = _project(tmp_path / "broken", {**lib, "tests/test_calc.py": (
        "from calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n\n\n"
        "def test_wrong():\n    assert add(1, 1) == 3\n")})
    code, error = _seed_cli(broken, tmp_path, capsys)
    assert code == 2 and error == f"harvester seed: error: {broken}: 1 test(s) fail at the clean state:" \
                                  " tests/test_calc.py::test_wrong"
